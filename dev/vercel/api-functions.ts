// Finds the files under api/ that Vercel deploys as Node functions, named the way `vercel build`
// names them (`api/bookings/[id].ts` → function `api/bookings/[id]`).
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export interface ApiFunction {
  /** The project-relative path with forward slashes, e.g. `api/bookings/[id].ts`. */
  entrypoint: string;
  /** The output name, which is also the path the filesystem routing phase serves it at. */
  name: string;
  file: string;
}

// Vercel's zero-config pattern for @vercel/node is `api/**/*.+(js|mjs|ts|tsx)`.
const FUNCTION_FILE = /\.(js|mjs|ts|tsx)$/;

export async function findApiFunctions(rootDir: string): Promise<ApiFunction[]> {
  const apiDir = join(rootDir, "api");
  const entries = await readdir(apiDir, { recursive: true, withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    },
  );
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = join(entry.parentPath, entry.name);
      return { file, entrypoint: relative(rootDir, file).split(sep).join("/") };
    })
    .filter(({ entrypoint }) => isFunctionEntrypoint(entrypoint))
    .map(({ file, entrypoint }) => ({
      file,
      entrypoint,
      name: entrypoint.replace(FUNCTION_FILE, ""),
    }));
}

/** The exclusions @vercel/fs-detectors applies: hidden and `_`-prefixed paths, type declarations. */
function isFunctionEntrypoint(entrypoint: string): boolean {
  return (
    FUNCTION_FILE.test(entrypoint) &&
    !entrypoint.endsWith(".d.ts") &&
    !entrypoint.includes("/.") &&
    !entrypoint.includes("/_") &&
    !entrypoint.includes("/node_modules/")
  );
}
