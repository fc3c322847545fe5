// What the routing's filesystem checks see: the deployment's functions and static files by the
// path they are served at. A directory path is served by its `index` (`/api` → `api/index`), and
// a trailing slash does not matter.

export interface FilesystemEntry {
  type: "function" | "static";
  /** The function's name (`api/bookings/[id]`) or the static file's served path (`index`). */
  path: string;
}

export type Filesystem = (pathname: string) => FilesystemEntry | undefined;

export function createFilesystem(contents: {
  functions: Iterable<string>;
  staticFiles: Iterable<string>;
}): Filesystem {
  const functions = new Set(contents.functions);
  const staticFiles = new Set(contents.staticFiles);
  return (pathname) => {
    for (const candidate of candidatePaths(pathname)) {
      if (functions.has(candidate)) return { type: "function", path: candidate };
      if (staticFiles.has(candidate)) return { type: "static", path: candidate };
    }
    return undefined;
  };
}

function candidatePaths(pathname: string): string[] {
  let path: string;
  try {
    path = decodeURIComponent(pathname).replace(/^\/+|\/+$/g, "");
  } catch {
    return [];
  }
  const prefix = path === "" ? "" : `${path}/`;
  return [path, `${prefix}index`, `${prefix}index.html`].filter(Boolean);
}
