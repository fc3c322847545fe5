// The files under public/, which `vercel build` deploys as the static part of the deployment,
// keyed by the path they are served at. With cleanUrls an `.html` file is served without its
// extension (config.json `overrides`: `about.html` → `about`).
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

/** Served path (`index`, `css/site.css`) → absolute file path. */
export async function findPublicFiles(
  rootDir: string,
  options: { cleanUrls: boolean },
): Promise<Map<string, string>> {
  const publicDir = join(rootDir, "public");
  const entries = await readdir(publicDir, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    },
  );
  const files = new Map<string, string>();
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const path = relative(publicDir, file).split(sep).join("/");
    files.set(options.cleanUrls ? path.replace(/\.html$/, "") : path, file);
  }
  return files;
}
