// Reports changes to the files that make up the API: functions, the code they import, static
// files and vercel.json.
import { type FSWatcher, watch } from "node:fs";
import { join } from "node:path";

const WATCHED_DIRS = new Set(["api", "lib", "public"]);

export function watchProject(rootDir: string, onChange: (path: string) => void): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  const watchDir = (dir: string) => {
    if (watchers.has(dir)) return;
    try {
      const watcher = watch(join(rootDir, dir), { recursive: true }, (_, file) =>
        onChange(join(dir, file ?? "")),
      );
      watcher.on("error", (error) => console.warn(`[api] stopped watching ${dir}/`, error));
      watchers.set(dir, watcher);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  };
  for (const dir of WATCHED_DIRS) watchDir(dir);
  // The root itself, not vercel.json: editors that save by replacing a file would end a watch on
  // it. This also notices api/, lib/ or public/ being created after the start.
  const rootWatcher = watch(rootDir, (_, file) => {
    if (file === "vercel.json") onChange(file);
    if (file && WATCHED_DIRS.has(file)) {
      watchDir(file);
      onChange(file);
    }
  });
  rootWatcher.on("error", (error) => console.warn("[api] stopped watching vercel.json", error));
  return {
    close() {
      rootWatcher.close();
      for (const watcher of watchers.values()) watcher.close();
    },
  };
}
