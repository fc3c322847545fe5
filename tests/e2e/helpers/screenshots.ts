// Full-page screenshots of each step, for a person to look through after a run:
// tests/e2e/screenshots/<suite>-<nn>-<step>.png (git-ignored). A suite's earlier shots are
// removed on its first shot, so the folder only ever shows the latest run.
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

const SCREENSHOTS = fileURLToPath(new URL("../screenshots", import.meta.url));

export interface ShotOptions {
  /** Only what the screen shows as it is scrolled, not the whole page (default: whole page). */
  screenOnly?: boolean;
}

export type Shot = (page: Page, step: string, options?: ShotOptions) => Promise<void>;

export function screenshots(suite: string): Shot {
  let taken = 0;
  let cleared: Promise<void> | undefined;
  return async (page, step, options = {}) => {
    cleared ??= clearSuite(suite);
    await cleared;
    const name = step
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
    const file = `${suite}-${String(++taken).padStart(2, "0")}-${name}.png`;
    await page.screenshot({ path: join(SCREENSHOTS, file), fullPage: !options.screenOnly });
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

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

/**
 * Shots of one step at a phone's size (390×844) and at a desktop's, named `<step>` and
 * `<step> desktop`; the page is left at the phone's size. With `screenOnly` the phone's shot is
 * what its screen shows (where an error must be seen), the desktop's still the whole page.
 */
export function phoneAndDesktop(shot: Shot): Shot {
  return async (page, step, options = {}) => {
    await page.setViewportSize(PHONE);
    await shot(page, step, options);
    await page.setViewportSize(DESKTOP);
    await shot(page, `${step} desktop`);
    await page.setViewportSize(PHONE);
  };
}
