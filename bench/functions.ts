// The Node functions of a Build Output API directory (.vercel/output/functions/**.func), read from
// their .vc-config.json, and copies of them outside the project: a copy resolves packages only
// from its own node_modules, as on Vercel, so a file `vercel build` failed to trace makes the
// function fail here too instead of being found in the project's node_modules.
import { cp, readdir, readFile } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";

export interface VcConfig {
  handler: string;
  runtime: string;
  launcherType?: string;
  shouldAddHelpers?: boolean;
  shouldAddSourcemapSupport?: boolean;
  awsLambdaHandler?: string;
  environment?: Record<string, string>;
  /** Files the output references instead of copying: path in the function → path on disk. */
  filePathMap?: Record<string, string>;
}

export interface BuiltFunction {
  /** The function's path without `.func`, e.g. `api/health`. */
  name: string;
  funcDir: string;
  config: VcConfig;
}

export async function listFunctions(outputDir: string): Promise<BuiltFunction[]> {
  const functionsDir = join(outputDir, "functions");
  const entries = await readdir(functionsDir, { recursive: true, withFileTypes: true });
  const funcDirs = entries
    .filter((entry) => entry.name.endsWith(".func"))
    .map((entry) => join(entry.parentPath, entry.name));
  const functions = await Promise.all(
    funcDirs.map(async (funcDir) => {
      const name = relative(functionsDir, funcDir)
        .split(sep)
        .join("/")
        .replace(/\.func$/, "");
      const config = JSON.parse(await readFile(join(funcDir, ".vc-config.json"), "utf8"));
      assertNodeLauncher(name, config);
      return { name, funcDir, config };
    }),
  );
  return functions.sort((a, b) => a.name.localeCompare(b.name));
}

/** The bench starts functions the way launcherType "Nodejs" does; anything else it cannot run. */
function assertNodeLauncher(name: string, config: VcConfig): void {
  const problems = [
    typeof config.handler !== "string" && "no handler",
    config.launcherType !== "Nodejs" && `launcherType ${config.launcherType}`,
    !config.runtime?.startsWith("nodejs") && `runtime ${config.runtime}`,
    config.awsLambdaHandler && `awsLambdaHandler ${config.awsLambdaHandler}`,
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new Error(`${name}.func is not a Node launcher function (${problems.join(", ")})`);
  }
}

/** Copies a function to `${into}/${name}.func`, materializing a filePathMap if there is one. */
export async function isolate(
  fn: BuiltFunction,
  into: string,
  projectDir: string,
): Promise<BuiltFunction> {
  const funcDir = join(into, `${fn.name}.func`);
  await cp(fn.funcDir, funcDir, { recursive: true, dereference: true });
  for (const [inFunction, onDisk] of Object.entries(fn.config.filePathMap ?? {})) {
    const source = isAbsolute(onDisk) ? onDisk : join(projectDir, onDisk);
    await cp(source, join(funcDir, inFunction), { dereference: true });
  }
  return { ...fn, funcDir };
}
