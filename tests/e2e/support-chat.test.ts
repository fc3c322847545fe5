// The demo app's support chat in Chromium, against a network-level fake of OpenAI: a visitor who
// is not signed in asks a question and the answer streams into the page while OpenAI is still
// writing it; Stop closes the connection, which reaches OpenAI; the next question gets its whole
// answer, grounded (on the server) in the practice's public catalogue.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type FakeOpenAi, startFakeOpenAi } from "../helpers/fake-openai.js";
import { PROJECT_SEED } from "../helpers/supabase.js";
import { launchBrowser, type TestBrowser } from "./helpers/browser.js";
import { PHONE, phoneAndDesktop, screenshots } from "./helpers/screenshots.js";

const shot = phoneAndDesktop(screenshots("support-chat"));

let api: TestApi;
let openai: FakeOpenAi;
let browser: TestBrowser;

beforeAll(async () => {
  openai = await startFakeOpenAi();
  api = await startTestApi({
    seedFile: PROJECT_SEED,
    env: { OPENAI_API_KEY: openai.apiKey, OPENAI_API_URL: openai.url },
  });
  browser = await launchBrowser({ viewport: PHONE });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await openai?.close();
});

describe("the support chat", { timeout: 120_000 }, () => {
  it("streams an answer into the page, stops on Stop, and answers the next question whole", async () => {
    const { page } = browser;
    await page.goto(api.url);
    await page.getByText("Questions? Ask our assistant").click();

    openai.reply(() => "Individual sessions last fifty minutes and cost the listed price.");
    const stall = openai.stallStream(2);
    await page.getByLabel("Your question").fill("How long is a session?");
    await page.getByRole("button", { name: "Ask" }).click();
    await stall.stalled;
    // Two chunks are on the page while OpenAI still holds the rest.
    await page.getByText("Individual sessions", { exact: true }).waitFor();
    await shot(page, "streaming");
    await page.getByRole("button", { name: "Stop" }).click();
    await stall.disconnected;
    await page.getByText("Stopped.").waitFor();

    const instructions = String(
      openai.requests.filter((r) => r.path === "/responses").at(-1)?.body.instructions,
    );
    expect(instructions).toMatch(/Session types and prices:\n- /);

    openai.reply(() => "You can cancel online up to 24 hours before the session.");
    await page.getByLabel("Your question").fill("Can I cancel?");
    await page.getByRole("button", { name: "Ask" }).click();
    await page.getByText("You can cancel online up to 24 hours before the session.").waitFor();
    await page.getByText("Model gpt-4.1-mini.").waitFor();
    await shot(page, "answered");
    // The second request carried the conversation so far, ending with the new question.
    const input = openai.requests.filter((r) => r.path === "/responses").at(-1)?.body.input as {
      role: string;
      content: string;
    }[];
    expect(input.at(0)).toEqual({ role: "user", content: "How long is a session?" });
    expect(input.at(-1)).toEqual({ role: "user", content: "Can I cancel?" });
    expect(browser.problemsOn(api.url)).toEqual([]);
  });
});
