// /docs, the API reference (Swagger UI from swagger-ui-dist, served same-origin), as a browser
// renders it: one entry for every operation in /api/openapi.json, customer-facing sections first
// and machine-only ones (webhooks, cron) last, and a page that runs without console errors or
// Content-Security-Policy violations. /docs/errors says for each code why it happens and what to
// do, at phone and desktop sizes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../lib/http/errors.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { launchBrowser, type TestBrowser } from "./helpers/browser.js";
import { PHONE, phoneAndDesktop, screenshots } from "./helpers/screenshots.js";

const shot = screenshots("docs");
const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

let api: TestApi;
let browser: TestBrowser;

beforeAll(async () => {
  api = await startTestApi();
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

interface OpenApiDocument {
  info: { title: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, unknown>>;
}

describe("the API reference at /docs", { timeout: 90_000 }, () => {
  it("renders every operation of the OpenAPI document", async () => {
    const response = await fetch(`${api.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as OpenApiDocument;
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.has(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.length).toBeGreaterThan(0);

    const { page } = browser;
    await page.goto(`${api.url}/docs`);
    await page.getByRole("heading", { name: document.info.title }).waitFor();
    await page.locator("h3.opblock-tag").first().waitFor();
    await shot(page, "every section");

    // Sections in the document's tag order: what an app calls first, scheduled jobs last.
    const sections = await page
      .locator("h3.opblock-tag")
      .evaluateAll((headings) => headings.map((heading) => heading.getAttribute("data-tag") ?? ""));
    expect(sections).toEqual(document.tags.map(({ name }) => name));
    expect(sections.slice(0, 3)).toEqual(["catalogue", "availability", "bookings"]);
    expect(sections.slice(-2)).toEqual(["webhooks", "cron"]);

    // The sections start closed (the reference is long, and a phone shows the list of them);
    // opening each shows its operations.
    const rendered: string[] = [];
    for (const tag of sections) {
      const expected = Object.values(document.paths).flatMap((item) =>
        Object.entries(item).filter(
          ([method, operation]) =>
            METHODS.has(method) && (operation as { tags?: string[] }).tags?.includes(tag),
        ),
      ).length;
      const heading = page.locator(`h3.opblock-tag[data-tag="${tag}"]`);
      await heading.click();
      await expect.poll(() => page.locator(".opblock").count()).toBe(expected);
      rendered.push(
        ...(await page.locator(".opblock").evaluateAll((blocks) =>
          blocks.map((block) => {
            const method = block.querySelector(".opblock-summary-method")?.textContent ?? "";
            const path = block.querySelector(".opblock-summary-path");
            // Swagger UI puts zero-width spaces after the slashes so long paths can wrap.
            const text = (path?.getAttribute("data-path") ?? path?.textContent ?? "").replace(
              /\u200b/g,
              "",
            );
            return `${method.trim().toUpperCase()} ${text.trim()}`;
          }),
        )),
      );
      await heading.click();
      await expect.poll(() => page.locator(".opblock").count()).toBe(0);
    }
    expect(rendered.sort()).toEqual(operations.sort());
    expect(new Set(rendered.map((entry) => entry.split(" ")[1]))).toEqual(
      new Set(Object.keys(document.paths)),
    );
    expect(browser.problemsOn(api.url)).toEqual([]);
  });

  it("answers every problem's type link with the entry for its code", async () => {
    const { page } = browser;
    const refused = await fetch(`${api.url}/api/bookings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const { type, code } = (await refused.json()) as { type: string; code: string };
    expect(type).toBe(`/docs/errors#${code}`);

    await page.goto(new URL(type, api.url).toString());
    await page.getByRole("heading", { name: "Error codes" }).waitFor();
    const codes = await page.locator("dt[id]").evaluateAll((terms) => terms.map((term) => term.id));
    expect(codes.sort()).toEqual(Object.keys(ERROR_CODES).sort());
    expect(await page.locator(`[id="${code}"]`).textContent()).toContain(String(refused.status));
    await shot(page, "error codes");

    // Each code says why it happens and what to do, from the code table's help.
    const entries = await page.locator("dt[id]").evaluateAll((terms) =>
      terms.map((term) => ({
        code: term.id,
        text: term.nextElementSibling?.textContent?.replace(/\s+/g, " ") ?? "",
      })),
    );
    for (const { code: entry, text } of entries) {
      const { title, help } = ERROR_CODES[entry as keyof typeof ERROR_CODES];
      expect(text, entry).toContain(title);
      expect(text, entry).toContain(`Why: ${help.cause.replaceAll("`", "")}`);
      expect(text, entry).toContain(`What to do: ${help.fix.replaceAll("`", "")}`);
    }
    await page.goto(`${api.url}/docs/errors#slot_unavailable`);
    await page.getByRole("heading", { name: "Error codes" }).waitFor();
    await phoneAndDesktop(shot)(page, "error code entry");
    // Nothing on the page is wider than a phone's screen.
    await page.setViewportSize(PHONE);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    expect(browser.problemsOn(api.url)).toEqual([]);
  });
});
