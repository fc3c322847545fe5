// Full-page screenshots of each step, for a person to look through after a run:
// tests/e2e/screenshots/<suite>-<nn>-<step>.png (git-ignored). A suite's earlier shots are
// removed on its first shot, so the folder only ever shows the latest run.
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

const SCREENSHOTS = fileURLToPath(new URL("../screenshots", import.meta.url));

export type Shot = (page: Page, step: string) => Promise<void>;

export function screenshots(suite: string): Shot {
  let taken = 0;
  let cleared: Promise<void> | undefined;
  return async (page, step) => {
    cleared ??= clearSuite(suite);
    await cleared;
    const name = step
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
    const file = `${suite}-${String(++taken).padStart(2, "0")}-${name}.png`;
    await page.screenshot({ path: join(SCREENSHOTS, file), fullPage: true });
  };
}

async function clearSuite(suite: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  for (const file of await readdir(SCREENSHOTS)) {
    if (file.startsWith(`${suite}-`) && file.endsWith(".png")) {
      await rm(join(SCREENSHOTS, file), { force: true });
    }
  }
}
