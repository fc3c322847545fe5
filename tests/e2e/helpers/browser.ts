// One Chromium per test file, driven by playwright-core: Debian's Chromium with the flags of
// issue 8 and a fresh profile (user-data dir) that is deleted afterwards. Every page's console
// errors, uncaught exceptions and Content-Security-Policy violations are collected, so a test
// can assert that a page it drove ran cleanly.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { chromiumPath } from "./chromium.js";

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** What went wrong on a page: where (the page's URL) and what the browser said. */
export interface BrowserProblem {
  kind: "console error" | "uncaught exception" | "CSP violation";
  url: string;
  text: string;
}

export interface TestBrowser {
  context: BrowserContext;
  /** The profile's first tab. */
  page: Page;
  /** Every problem seen on any page so far, in order. */
  problems: BrowserProblem[];
  /** The problems seen on pages of one origin, as readable lines. */
  problemsOn(origin: string): string[];
  close(): Promise<void>;
}

// The browser's own log line for an HTTP error answer. The app gets such answers by design
// (401 before sign-in, 400 for a form with errors) and shows them; they are not page faults.
const HTTP_ERROR_STATUS_LOG =
  /^Failed to load resource: the server responded with a status of \d{3}\b/;

const REPORT_CSP_VIOLATION = "__e2eReportCspViolation";

export async function launchBrowser(
  options: { viewport?: { width: number; height: number } } = {},
): Promise<TestBrowser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("Chromium is not installed (apt-get install chromium)");
  const userDataDir = await mkdtemp(join(tmpdir(), "bastion-e2e-profile-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: options.viewport ?? { width: 1280, height: 900 },
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }

  const problems: BrowserProblem[] = [];
  context.on("console", (message) => {
    if (message.type() !== "error" || HTTP_ERROR_STATUS_LOG.test(message.text())) return;
    problems.push({
      kind: "console error",
      url: message.page()?.url() ?? "",
      text: message.text(),
    });
  });
  context.on("weberror", (webError) => {
    problems.push({
      kind: "uncaught exception",
      url: webError.page()?.url() ?? "",
      text: String(webError.error()),
    });
  });
  // The DOM's own report of each violation, whether or not the browser also logs it.
  await context.exposeBinding(REPORT_CSP_VIOLATION, ({ page }, text: string) => {
    problems.push({ kind: "CSP violation", url: page.url(), text });
  });
  await context.addInitScript((binding: string) => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as Record<string, (text: string) => void>)[binding];
      report?.(`${event.effectiveDirective} refused ${event.blockedURI || "an inline resource"}`);
    });
  }, REPORT_CSP_VIOLATION);

  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    problems,
    problemsOn: (origin) =>
      problems
        .filter((problem) => problem.url.startsWith(`${origin}/`))
        .map((problem) => `${problem.kind} on ${problem.url}: ${problem.text}`),
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
