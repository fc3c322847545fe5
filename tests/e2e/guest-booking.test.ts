// Booking without an account in the demo app (issue 17, item 2), on a phone-sized screen: the
// signed-out front page books an individual session with its consent, pays in the sandbox
// checkout, and lands on the guest's own booking page (/bookings/:id#token=…), which shows it
// confirmed; there the guest moves it to another time and cancels it. The same link opened in a
// fresh tab shows the booking; without its token the page says what it needs. Chromium through
// playwright-core; screenshots in tests/e2e/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { futureWeekday } from "../helpers/booking-hold.js";
import { PROJECT_SEED } from "../helpers/supabase.js";
import { launchBrowser, type TestBrowser } from "./helpers/browser.js";
import { screenshots } from "./helpers/screenshots.js";

const PHONE = { width: 390, height: 844 };
// Not booking-flow.test.ts's day, which books the same (seeded) practitioner.
const DATE = futureWeekday(6);
const shot = screenshots("guest-booking");

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

describe("booking as a guest in the demo app on a phone", { timeout: 120_000 }, () => {
  it("books and pays without an account, then reschedules and cancels from the guest's link", async () => {
    const { page } = browser;
    const email = `guest-${crypto.randomUUID().slice(0, 8)}@example.test`;
    await page.goto(api.url);
    const form = page.getByRole("form", { name: "Book without an account" });
    await page.getByRole("heading", { name: "Book without an account" }).waitFor();

    const sessionType = form.getByLabel("Session type", { exact: true });
    const individual = sessionType.getByRole("option", { name: /Individual session/ });
    await sessionType.selectOption((await individual.getAttribute("value")) ?? "");
    await form.getByLabel("Format", { exact: true }).selectOption({ label: "Video" });
    await form.getByLabel("Date", { exact: true }).fill(DATE);
    await form
      .getByRole("group", { name: "Available times" })
      .getByRole("radio", { name: "11:00 AM" })
      .check();
    await form.getByLabel("Full name", { exact: true }).fill("Asha Rao");
    await form.getByLabel("Email for this booking", { exact: true }).fill(email);
    const items = form.getByRole("group", { name: "Consent" }).getByRole("checkbox");
    await items.first().waitFor();
    for (const item of await items.all()) await item.check();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    await shot(page, "guest form filled in");

    const posted = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === "/api/bookings" &&
        response.request().method() === "POST",
    );
    await form.getByRole("button", { name: "Book and pay" }).click();
    const hold = await posted;
    expect(hold.status()).toBe(201);
    const { bookingId, manageToken } = (await hold.json()) as {
      bookingId: string;
      manageToken: string;
    };
    expect(hold.request().headers().authorization).toBeUndefined();

    await page.waitForURL((url) => url.pathname.startsWith("/__dev/pay/"));
    await shot(page, "sandbox checkout");
    await page.getByRole("button", { name: "Pay ₹2,500.00" }).click();

    await page.waitForURL((url) => url.pathname === `/bookings/${bookingId}`);
    const details = page.getByRole("region", { name: "Your booking" });
    await details.getByText("confirmed", { exact: true }).waitFor();
    await details.getByText("Your booking is confirmed.").waitFor();
    // The address bar keeps the guest's link, token in the fragment only.
    expect(new URL(page.url()).hash).toBe(`#token=${manageToken}`);
    expect(new URL(page.url()).search).toBe("");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    await shot(page, "guest booking confirmed");

    const read = async () => {
      const response = await fetch(`${api.url}/api/bookings/${bookingId}`, {
        headers: { "x-booking-token": manageToken },
      });
      expect(response.status).toBe(200);
      return response.json();
    };
    expect(await read()).toMatchObject({ status: "confirmed", date: DATE, time: "11:00 AM" });

    await details.getByRole("button", { name: "Reschedule" }).click();
    await details
      .getByRole("group", { name: "Available times" })
      .getByRole("radio", { name: "2:00 PM", exact: true })
      .check();
    await shot(page, "guest picks another time");
    await details.getByRole("button", { name: "Move booking" }).click();
    await details.getByText(/Your booking was moved to/).waitFor();
    expect(await read()).toMatchObject({ status: "confirmed", time: "2:00 PM" });
    await shot(page, "guest booking moved");

    // The link opened again later (a new tab) finds the booking by its token alone.
    const again = await browser.context.newPage();
    await again.goto(`${api.url}/bookings/${bookingId}#token=${manageToken}`);
    await again
      .getByRole("region", { name: "Your booking" })
      .getByText("confirmed", { exact: true })
      .waitFor();
    await again.close();

    await details.getByRole("button", { name: "Cancel booking" }).click();
    await details.getByText("Your booking is cancelled.").waitFor();
    await details.getByText("cancelled", { exact: true }).waitFor();
    expect(await read()).toMatchObject({ status: "cancelled", refundDueMinor: 250000 });
    await shot(page, "guest booking cancelled");

    // Without the token, the page says what it needs and shows nothing of the booking.
    const bare = await browser.context.newPage();
    await bare.goto(`${api.url}/bookings/${bookingId}`);
    await bare.getByText(/needs your booking's private link/).waitFor();
    await bare.close();
    expect(browser.problemsOn(api.url)).toEqual([]);
  });
});
