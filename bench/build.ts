// `vercel build`, offline, of the project and of the bare baseline project. The baseline is a
// throwaway project (package.json with the project's "type" and "engines", api/bare.ts) under
// .vercel/bench/, so it is built by the same CLI, builder and Node runtime setting as ours.
import { spawn } from "node:child_process";
import { access, copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

export const PROJECT_DIR = resolve(import.meta.dirname, "..");
export const BARE_PROJECT_DIR = join(PROJECT_DIR, ".vercel", "bench", "bare-project");
const VERCEL_CLI = join(PROJECT_DIR, "node_modules", ".bin", "vercel");

export const outputDirOf = (projectDir: string) => join(projectDir, ".vercel", "output");

/** The local project settings `vercel build` needs to run without `vercel pull` (as in CI). */
async function ensureProjectSettings(projectDir: string, projectId: string): Promise<void> {
  const file = join(projectDir, ".vercel", "project.json");
  if (await exists(file)) return;
  await mkdir(join(projectDir, ".vercel"), { recursive: true });
  const settings = {
    projectId,
    orgId: "team_bastion_local",
    settings: { framework: null, installCommand: "" },
  };
  await writeFile(file, `${JSON.stringify(settings)}\n`);
}

export async function prepareBareProject(): Promise<void> {
  const project = JSON.parse(await readFile(join(PROJECT_DIR, "package.json"), "utf8"));
  await rm(BARE_PROJECT_DIR, { recursive: true, force: true });
  await mkdir(join(BARE_PROJECT_DIR, "api"), { recursive: true });
  const packageJson = {
    name: "bastion-bench-bare",
    private: true,
    type: project.type,
    engines: project.engines,
  };
  await writeFile(
    join(BARE_PROJECT_DIR, "package.json"),
    `${JSON.stringify(packageJson, null, 2)}\n`,
  );
  await copyFile(
    join(PROJECT_DIR, "bench", "fixtures", "bare-function.ts"),
    join(BARE_PROJECT_DIR, "api", "bare.ts"),
  );
  await ensureProjectSettings(BARE_PROJECT_DIR, "prj_bastion_bench_bare");
}

/** Runs `vercel build` in projectDir; throws with the tail of its output when it fails. */
export async function vercelBuild(projectDir: string): Promise<{ seconds: number }> {
  await ensureProjectSettings(projectDir, "prj_bastion_local");
  const startedAt = performance.now();
  const output: string[] = [];
  const code = await new Promise<number | null>((done, failed) => {
    const child = spawn(VERCEL_CLI, ["build"], {
      cwd: projectDir,
      // VERCEL_INSTALL_COMPLETED: no `npm install` (which needs the network).
      env: { ...process.env, VERCEL_TELEMETRY_DISABLED: "1", VERCEL_INSTALL_COMPLETED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.on("error", failed);
    child.on("close", done);
  });
  if (code !== 0) {
    const tail = output.join("").split("\n").slice(-30).join("\n");
    throw new Error(`vercel build in ${projectDir} exited with ${code}:\n${tail}`);
  }
  return { seconds: Math.round((performance.now() - startedAt) / 100) / 10 };
}

export async function requireOutput(projectDir: string): Promise<void> {
  if (!(await exists(join(outputDirOf(projectDir), "functions")))) {
    throw new Error(
      `no build output in ${outputDirOf(projectDir)}: run the bench without --no-build`,
    );
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
