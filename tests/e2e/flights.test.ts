// The demo app's flight page (/flights) in Chromium against the local sandbox provider: a
// signed-in traveller searches, chooses a flight, names the traveller and books it, and sees the
// booking reference the API answered.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { newAccount, registerThroughApi, signInWithForm } from "./helpers/app.js";
import { launchBrowser, type TestBrowser } from "./helpers/browser.js";
import { PHONE } from "./helpers/screenshots.js";

let api: TestApi;
let browser: TestBrowser;

beforeAll(async () => {
  api = await startTestApi({ env: { FLIGHT_PROVIDER: "sandbox" } });
  browser = await launchBrowser({ viewport: PHONE });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe("the flight page", { timeout: 120_000 }, () => {
  it("searches, books a flight for a traveller and shows its reference", async () => {
    const { page } = browser;
    const account = newAccount();
    await registerThroughApi(api.url, account);
    await page.goto(`${api.url}/flights`);
    await signInWithForm(page, account);

    await page.getByLabel("From (airport code)").fill("LHR");
    await page.getByLabel("To (airport code)").fill("DEL");
    await page.getByRole("button", { name: "Search flights" }).click();
    await page.getByText("12 flights").waitFor();
    await page.getByRole("button", { name: "Choose" }).first().click();

    await page.getByLabel("Given names").fill("Asha");
    await page.getByLabel("Family name").fill("Rao");
    await page.getByLabel("Date of birth").fill("1990-05-17");
    await page.getByLabel("Passport number").fill("Z1234567");
    await page.getByLabel("Email").fill("asha@example.test");
    await page.getByLabel("Phone (+…)").fill("+447700900123");
    await page.getByRole("button", { name: "Book this flight" }).click();

    const notice = page.getByText(/^Booked: reference [2-9A-HJKMNP-Z]{8}/);
    await notice.waitFor();
    const reference = (await notice.textContent())?.match(/reference (\w{8})/)?.[1];
    const { rows } = await api.supabase.db.query<{ status: string; travelers_sealed: string }>(
      "select status, travelers_sealed from public.flight_bookings where reference = $1",
      [reference ?? null],
    );
    expect(rows[0]?.status).toBe("pending_payment");
    expect(rows[0]?.travelers_sealed).not.toContain("Asha");
  });
});
