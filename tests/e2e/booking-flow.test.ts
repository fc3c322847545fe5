// The demo app (web/, served at /) on a phone-sized screen, as a client uses it: create an
// account, book a paid individual session with its consent, pay in the sandbox checkout, see the
// booking confirmed (in the app, through the API, and as an email in the local outbox), then
// cancel it from "My bookings". And a form sent without a name shows the API's field error where
// the name goes, and moves the focus there. Chromium through playwright-core; screenshots in
// tests/e2e/screenshots/.
//
// Dates: futureWeekday(1) (at least three days ahead, so cancelling is still allowed online).
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { futureWeekday } from "../helpers/booking-hold.js";
import { PROJECT_SEED } from "../helpers/supabase.js";
import { createAccountWithForm, newAccount } from "./helpers/app.js";
import { launchBrowser, type TestBrowser } from "./helpers/browser.js";
import { screenshots } from "./helpers/screenshots.js";

const PHONE = { width: 390, height: 844 };
const DATE = futureWeekday(1);
const shot = screenshots("booking-flow");

let api: TestApi;
let browser: TestBrowser;

beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
  browser = await launchBrowser({ viewport: PHONE });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

// Each test starts signed out.
beforeEach(async () => {
  await browser.context.clearCookies();
});

interface Problem {
  title: string;
  errors?: Record<string, string[]>;
}

/** Fills in the booking form for an individual video session at 10:00 AM, all but the name. */
async function chooseIndividualSession(page: Page): Promise<void> {
  const sessionType = page.getByLabel("Session type", { exact: true });
  const individual = sessionType.getByRole("option", { name: /Individual session/ });
  await sessionType.selectOption((await individual.getAttribute("value")) ?? "");
  await page.getByLabel("Format", { exact: true }).selectOption({ label: "Video" });
  await page.getByLabel("Date", { exact: true }).fill(DATE);
  await page
    .getByRole("group", { name: "Available times" })
    .getByRole("radio", { name: "10:00 AM" })
    .check();
}

/** Ticks every item of the consent the session type asks for; answers how many there were. */
async function giveConsent(page: Page): Promise<number> {
  const items = page.getByRole("group", { name: "Consent" }).getByRole("checkbox");
  await items.first().waitFor();
  const all = await items.all();
  for (const item of all) await item.check();
  return all.length;
}

function bookingPosted(page: Page) {
  return page.waitForResponse(
    (response) =>
      new URL(response.url()).pathname === "/api/bookings" &&
      response.request().method() === "POST",
  );
}

describe("booking in the demo app on a phone", { timeout: 120_000 }, () => {
  it("books and pays for a session, confirms it everywhere, then cancels it", async () => {
    const { page } = browser;
    const account = newAccount();
    await page.goto(api.url);
    await shot(page, "signed out");
    const accessToken = await createAccountWithForm(page, account);
    await page.getByRole("heading", { name: "Book a session" }).waitFor();
    await shot(page, "signed in");

    await chooseIndividualSession(page);
    await shot(page, "session date and time chosen");
    await page.getByLabel("Full name", { exact: true }).fill("Asha Rao");
    expect(await page.getByLabel("Email for this booking", { exact: true }).inputValue()).toBe(
      account.email,
    );
    await page.getByLabel("Phone (optional)", { exact: true }).fill("+919876543210");
    // The seeded consent version has four items, each acknowledged on its own.
    expect(await giveConsent(page)).toBe(4);
    // Nothing on the form is wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    await shot(page, "form filled in");

    const posted = bookingPosted(page);
    await page.getByRole("button", { name: "Book and pay" }).click();
    const hold = await posted;
    expect(hold.status()).toBe(201);
    const { bookingId } = (await hold.json()) as { bookingId: string };

    await page.waitForURL((url) => url.pathname.startsWith("/__dev/pay/"));
    await page.getByRole("heading", { name: "Sandbox checkout" }).waitFor();
    await shot(page, "sandbox checkout");
    // The price the server set for an individual video session.
    await page.getByRole("button", { name: "Pay ₹2,500.00" }).click();

    await page.waitForURL((url) => url.origin === api.url && !url.pathname.startsWith("/__dev/"));
    await page
      .getByRole("region", { name: "Booking confirmed" })
      .getByText("confirmed", { exact: true })
      .waitFor();
    await shot(page, "booking confirmed");

    const read = async () => {
      const response = await fetch(`${api.url}/api/bookings/${bookingId}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(response.status).toBe(200);
      return response.json();
    };
    expect(await read()).toMatchObject({
      status: "confirmed",
      date: DATE,
      time: "10:00 AM",
      format: "video",
      customer: { name: "Asha Rao", email: account.email },
    });

    // The confirmation is delivered after the responses (waitUntil); then the outbox shows it.
    await api.settle();
    await page.goto(`${api.url}/__dev/outbox`);
    const email = page
      .getByRole("row")
      .filter({ hasText: "booking_confirmation" })
      .filter({ hasText: account.email });
    await email.waitFor();
    expect(await email.getByRole("cell").allTextContents()).toEqual([
      expect.any(String),
      "email",
      "booking_confirmation",
      account.email,
      expect.stringMatching(/^Booking confirmed: Individual session/),
      "sent",
    ]);
    await shot(page, "outbox");
    await email.getByRole("link").click();
    await page.getByRole("heading", { name: /^Booking confirmed: Individual session/ }).waitFor();
    await page.getByText(`Booking reference: ${bookingId}`).waitFor();
    await page.getByText("Hi Asha Rao,").waitFor();
    await shot(page, "confirmation email");

    await page.goto(api.url);
    await page.getByRole("heading", { name: "My bookings" }).waitFor();
    const booking = page
      .getByRole("list", { name: "My bookings" })
      .getByRole("listitem")
      .filter({ hasText: "Individual session" });
    await booking
      .filter({ hasText: "10:00 AM" })
      .filter({ hasText: /\bconfirmed\b/ })
      .waitFor();
    await shot(page, "my bookings");
    await booking.getByRole("button", { name: "Cancel booking" }).click();
    await page.getByRole("button", { name: "Keep it" }).waitFor();
    await shot(page, "asked to confirm the cancellation");
    await page.getByRole("button", { name: "Yes, cancel" }).click();
    await booking.filter({ hasText: /\bcancelled\b/ }).waitFor();
    await shot(page, "cancelled");
    // Paid, and cancelled more than a day ahead: the whole price is due back.
    expect(await read()).toMatchObject({ status: "cancelled", refundDueMinor: 250000 });
    expect(browser.problemsOn(api.url)).toEqual([]);
  });

  it("shows the API's error for a missing name next to the Full name field, and focuses it", async () => {
    const { page } = browser;
    await page.goto(api.url);
    await createAccountWithForm(page, newAccount());
    await chooseIndividualSession(page);
    // The form starts with the account's name; this client leaves it empty.
    await page.getByLabel("Full name", { exact: true }).fill("");
    await giveConsent(page);

    const posted = bookingPosted(page);
    await page.getByRole("button", { name: "Book and pay" }).click();
    const refused = await posted;
    expect(refused.status()).toBe(400);
    const problem = (await refused.json()) as Problem;
    expect(Object.keys(problem.errors ?? {})).toEqual(["customer.name"]);
    const message = problem.errors?.["customer.name"]?.[0] ?? "";
    expect(message).not.toBe("");

    // The field's message tied to its input (aria-describedby), so a screen reader reads it
    // with the field; the field takes the focus, which scrolls the phone's screen to it; and by
    // the button that was pressed, an alert in words a person uses.
    await page.getByRole("textbox", { name: "Full name", description: message }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe(
      "customer.name",
    );
    const onScreen = await page.evaluate(() => {
      const box = document.activeElement?.getBoundingClientRect();
      return Boolean(box && box.top >= 0 && box.bottom <= window.innerHeight);
    });
    expect(onScreen).toBe(true);
    await page.getByRole("alert").filter({ hasText: "Please check this field" }).waitFor();
    expect(problem.title).toBe("Some fields are not valid");
    await shot(page, "missing name");
    expect(browser.problemsOn(api.url)).toEqual([]);
  });
});
