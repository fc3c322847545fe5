// The demo app as a person uses it on a phone (390×844, with desktop shots of the same states):
// - an error is shown next to what caused it (the field, or the button that failed), in words a
//   person uses, and focus moves there, so the phone scrolls to it;
// - every button that calls the API says it is at work (disabled, "Booking…" and a spinner)
//   until the answer comes;
// - a time someone else took meanwhile (409 slot_unavailable) reloads the list of times;
// - a hold shows until when it is held, counting down; texts can be asked for when booking and
//   turned on and off later, the booking showing whether they are on (after a reload too); a
//   confirmed booking can be moved to another time; and once inside
//   the practice's change window it offers neither "Change time" nor "Cancel".
// Chromium through playwright-core; screenshots in tests/e2e/screenshots/demo-app-*.
import type { Page, Route } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { consentFor, futureWeekday, holdBooking } from "../helpers/booking-hold.js";
import { apiClient, bearer, expectJson } from "../helpers/requests.js";
import { PROJECT_SEED } from "../helpers/supabase.js";
import {
  type Account,
  createAccountWithForm,
  newAccount,
  registerThroughApi,
  signInWithForm,
} from "./helpers/app.js";
import { launchBrowser, type TestBrowser } from "./helpers/browser.js";
import { PHONE, phoneAndDesktop, screenshots } from "./helpers/screenshots.js";

const shot = phoneAndDesktop(screenshots("demo-app"));
/** zod's and the API's old wording, which a person should never read. */
const VALIDATOR_WORDING =
  /Too small|Too big|expected string|Invalid input|Invalid email|is not JSON|conflicts with the current state/;

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

beforeEach(async () => {
  await browser.context.clearCookies();
  await browser.page.setViewportSize(PHONE);
});

/** True when the whole element is on the screen as it is scrolled now. */
async function onScreen(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((css) => {
    const box = document.querySelector(css)?.getBoundingClientRect();
    return Boolean(box && box.top >= 0 && box.bottom <= window.innerHeight);
  }, selector);
}

function focusedName(page: Page): Promise<string | null | undefined> {
  return page.evaluate(
    () => document.activeElement?.getAttribute("name") ?? document.activeElement?.id,
  );
}

/** Holds requests to `path` until released: the moment a person waits for the API. */
async function holdRequests(page: Page, method: string, path: string) {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const handler = async (route: Route) => {
    if (route.request().method() !== method) return route.fallback();
    await released;
    await route.continue();
  };
  await page.route((url) => url.pathname === path, handler);
  return {
    async release() {
      release();
      await page.unroute((url) => url.pathname === path, handler);
    },
  };
}

/** An individual video session at `time` on `date`, with its consent, for `name`. */
async function fillBooking(page: Page, date: string, time: string): Promise<void> {
  const sessionType = page.getByLabel("Session type", { exact: true });
  const individual = sessionType.getByRole("option", { name: /Individual session/ });
  await sessionType.selectOption((await individual.getAttribute("value")) ?? "");
  await page.getByLabel("Format", { exact: true }).selectOption({ label: "Video" });
  await page.getByLabel("Date", { exact: true }).fill(date);
  await page
    .getByRole("group", { name: "Available times" })
    .getByRole("radio", { name: time, exact: true })
    .check();
  await page.getByLabel("Full name", { exact: true }).fill("Asha Rao");
  const items = page.getByRole("group", { name: "Consent" }).getByRole("checkbox");
  await items.first().waitFor();
  for (const item of await items.all()) await item.check();
}

/** A signed-in account in the browser's tab; answers it with its access token. */
async function signedIn(page: Page): Promise<Account & { accessToken: string }> {
  const account = newAccount();
  await registerThroughApi(api.url, account);
  await page.goto(api.url);
  return { ...account, accessToken: await signInWithForm(page, account) };
}

async function smsOptIn(bookingId: string): Promise<boolean> {
  const { rows } = await api.supabase.db.query<{ sms_opt_in: boolean }>(
    "select sms_opt_in from public.bookings where id = $1",
    [bookingId],
  );
  return rows[0]?.sms_opt_in ?? false;
}

async function readBooking(token: string, id: string) {
  const response = await fetch(`${api.url}/api/bookings/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { date: string; time: string; expiresAt: string | null };
}

describe("the demo app as a person uses it", { timeout: 150_000 }, () => {
  it("says what is wrong next to its field, in plain words, and moves focus there", async () => {
    const { page } = browser;
    const taken = newAccount();
    await registerThroughApi(api.url, taken);
    await page.goto(api.url);
    await page.getByRole("heading", { name: "Sign in or create an account" }).waitFor();

    // No name: said under "Your name", which takes the focus; the message is by the buttons.
    await page.getByLabel("Email", { exact: true }).fill(newAccount().email);
    await page.getByRole("button", { name: "Create account" }).click();
    await page
      .getByRole("textbox", { name: "Your name", description: /Enter your name\./ })
      .waitFor();
    expect(await focusedName(page)).toBe("fullName");
    expect(await onScreen(page, "#field-fullName")).toBe(true);
    await page.getByRole("alert").filter({ hasText: "Please check this field" }).waitFor();
    expect(await page.locator("body").innerText()).not.toMatch(VALIDATOR_WORDING);
    await shot(page, "sign-up without a name", { screenOnly: true });

    // Then the password the policy refuses, under "Password".
    await page.getByLabel("Your name", { exact: true }).fill("Ravi Kumar");
    await page.getByRole("button", { name: "Create account" }).click();
    await page
      .getByRole("textbox", { name: "Password", description: /Use at least 10 characters/ })
      .waitFor();
    expect(await focusedName(page)).toBe("password");

    // An address that has an account: said under "Email", with the way out.
    await page.getByLabel("Email", { exact: true }).fill(taken.email);
    await page.getByLabel("Password", { exact: true }).fill("a perfectly long password");
    await page.getByRole("button", { name: "Create account" }).click();
    await page
      .getByRole("textbox", { name: "Email", description: /already use this email address/ })
      .waitFor();
    expect(await focusedName(page)).toBe("email");
    await page
      .getByRole("alert")
      .filter({ hasText: "This email can't be used for a new account" })
      .getByRole("link", { name: "Forgot your password?" })
      .waitFor();
    expect(await page.locator("body").innerText()).not.toMatch(VALIDATOR_WORDING);
    await shot(page, "sign-up with a taken email", { screenOnly: true });

    // A wrong password: the message is by the buttons and on screen.
    await page.getByLabel("Password", { exact: true }).fill("not the password at all");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "Wrong email or password" }).waitFor();
    expect(await onScreen(page, ".problem[role=alert]")).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("problem");
    expect(browser.problemsOn(api.url)).toEqual([]);
  });

  it("shows a busy button while booking, texts when asked, and the hold's expiry counting down", async () => {
    const { page } = browser;
    const date = futureWeekday(2);
    const account = newAccount();
    await page.goto(api.url);
    const accessToken = await createAccountWithForm(page, account);
    await page.getByRole("heading", { name: "Book a session" }).waitFor();
    await fillBooking(page, date, "10:00 AM");

    // Texts need an international number: said before anything is booked.
    let posted = 0;
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/bookings" && request.method() === "POST") {
        posted++;
      }
    });
    await page.getByLabel("Phone (optional)", { exact: true }).fill("98765 43210");
    await page.getByLabel("Text me reminders about this session too").check();
    await page.getByRole("button", { name: "Book and pay" }).click();
    await page
      .getByRole("textbox", {
        name: "Phone (optional)",
        description: /For texts, start the number with \+/,
      })
      .waitFor();
    expect(await focusedName(page)).toBe("customer.phone");
    expect(posted).toBe(0);
    await shot(page, "texts need an international number", { screenOnly: true });

    await page.getByLabel("Phone (optional)", { exact: true }).fill("+91 98765 43210");
    const gate = await holdRequests(page, "POST", "/api/bookings");
    const created = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === "/api/bookings" &&
        response.request().method() === "POST",
    );
    await page.getByRole("button", { name: "Book and pay" }).click();
    const working = page.getByRole("button", { name: "Booking…" });
    await working.waitFor();
    expect(await working.isDisabled()).toBe(true);
    expect(await working.getAttribute("aria-busy")).toBe("true");
    expect(await working.locator(".spinner").count()).toBe(1);
    await shot(page, "booking in progress", { screenOnly: true });
    await gate.release();
    const { bookingId } = (await (await created).json()) as { bookingId: string };
    await page.waitForURL((url) => url.pathname.startsWith("/__dev/pay/"));
    expect(await smsOptIn(bookingId)).toBe(true);

    // Back in the app without paying: the hold says until when it is held, and counts down.
    await page.goto(api.url);
    const { expiresAt } = await readBooking(accessToken, bookingId);
    const until = await page.evaluate(
      (instant) =>
        new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" }).format(
          new Date(instant),
        ),
      expiresAt ?? "",
    );
    await page
      .getByRole("status")
      .filter({ hasText: `A time is held for you until ${until}.` })
      .getByRole("link", { name: "Pay for it in My bookings" })
      .waitFor();
    const held = page
      .getByRole("list", { name: "My bookings" })
      .getByRole("listitem")
      .filter({ hasText: /\bheld\b/ });
    await held.getByText(`Held for you until ${until}`).waitFor();
    const timer = held.getByRole("timer");
    const first = await timer.textContent();
    expect(first).toMatch(/^\d+:\d{2} left to pay$/);
    await expect.poll(() => timer.textContent(), { timeout: 5000 }).not.toBe(first);
    await held.getByRole("button", { name: "Pay now" }).waitFor();
    await held.getByRole("button", { name: "Cancel booking" }).waitFor();
    expect(await held.getByRole("button", { name: "Change time" }).count()).toBe(0);
    // Texts asked for before the checkout's redirect: the booking the API answers says so.
    await held.getByText("Text reminders to +91 98765 43210 are on.").waitFor();
    await held.getByRole("button", { name: "Stop text reminders" }).waitFor();
    expect(await held.getByRole("button", { name: "Text me reminders" }).count()).toBe(0);
    await shot(page, "held booking counting down");
    expect(browser.problemsOn(api.url)).toEqual([]);
  });

  it("reloads the times when the chosen one was just taken, and says so next to them", async () => {
    const { page } = browser;
    const date = futureWeekday(3);
    await signedIn(page);
    await page.getByRole("heading", { name: "Book a session" }).waitFor();
    await fillBooking(page, date, "10:00 AM");
    // Someone else books that time while this person is filling in the form.
    const other = await api.signUp();
    // The demo app books with the default practitioner (it names none): so does this hold.
    await holdBooking(api, other.accessToken, { practitionerId: null, date, time: "10:00 AM" });

    const refused = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === "/api/bookings" &&
        response.request().method() === "POST",
    );
    await page.getByRole("button", { name: "Book and pay" }).click();
    expect((await refused).status()).toBe(409);
    const times = page.getByRole("group", { name: "Available times" });
    await times.getByText("Someone else has just booked this time").waitFor();
    expect(await times.getByRole("radio", { name: "10:00 AM", exact: true }).count()).toBe(0);
    expect(await times.getByRole("radio", { name: "11:00 AM", exact: true }).count()).toBe(1);
    expect(await focusedName(page)).toBe("book-times");
    expect(await onScreen(page, "#book-times legend")).toBe(true);
    await page.getByRole("alert").filter({ hasText: "That time is no longer free" }).waitFor();
    await shot(page, "chosen time was taken", { screenOnly: true });
    expect(browser.problemsOn(api.url)).toEqual([]);
  });

  it("moves a booking, turns texts on, and offers no changes inside the change window", async () => {
    const { page } = browser;
    const [date, later] = [futureWeekday(4), futureWeekday(5)];
    const user = await signedIn(page);
    const bookingId = await confirmedBooking(user.accessToken, user.email, date, "11:00 AM");
    await page.goto(api.url);
    const booking = page
      .getByRole("list", { name: "My bookings" })
      .getByRole("listitem")
      .filter({ hasText: /\bconfirmed\b/ });
    await booking.getByText("You can change or cancel it online until").waitFor();
    await booking.getByRole("button", { name: "Cancel booking" }).waitFor();

    // Texts: off as booked, and one button that turns them the other way.
    await booking.getByText("No text reminders to +919876543210.").waitFor();
    expect(await booking.getByRole("button", { name: "Stop text reminders" }).count()).toBe(0);
    await booking.getByRole("button", { name: "Text me reminders" }).click();
    await booking.getByText("Text reminders to +919876543210 are on.").waitFor();
    expect(await smsOptIn(bookingId)).toBe(true);
    expect(await booking.getByRole("button", { name: "Text me reminders" }).count()).toBe(0);
    // The state is the API's, not the page's memory: a reload shows it the same.
    await page.reload();
    await booking.getByText("Text reminders to +919876543210 are on.").waitFor();
    await booking.getByRole("button", { name: "Stop text reminders" }).waitFor();
    expect(await booking.getByRole("button", { name: "Text me reminders" }).count()).toBe(0);
    await shot(page, "texts on after a reload");
    await booking.getByRole("button", { name: "Stop text reminders" }).click();
    await booking.getByText("No text reminders to +919876543210.").waitFor();
    expect(await smsOptIn(bookingId)).toBe(false);
    await page.reload();
    await booking.getByText("No text reminders to +919876543210.").waitFor();
    await booking.getByRole("button", { name: "Text me reminders" }).waitFor();
    expect(await booking.getByRole("button", { name: "Stop text reminders" }).count()).toBe(0);

    // Another day and time.
    await booking.getByRole("button", { name: "Change time" }).click();
    const editor = booking.getByRole("form", { name: "Move this booking" });
    await editor.getByLabel("New date", { exact: true }).fill(later);
    await editor
      .getByRole("group", { name: "Available times" })
      .getByRole("radio", { name: "2:30 PM", exact: true })
      .check();
    await shot(page, "choosing a new time");
    const gate = await holdRequests(page, "PUT", `/api/bookings/${bookingId}`);
    await editor.getByRole("button", { name: "Move booking" }).click();
    const moving = editor.getByRole("button", { name: "Moving…" });
    await moving.waitFor();
    expect(await moving.isDisabled()).toBe(true);
    await gate.release();
    await page.getByRole("status").filter({ hasText: "The booking was moved to" }).waitFor();
    expect(await readBooking(user.accessToken, bookingId)).toMatchObject({
      date: later,
      time: "2:30 PM",
    });
    await booking.filter({ hasText: "2:30 PM" }).waitFor();
    await shot(page, "booking moved");

    // Inside the change window (the practice's rule, made a month long here): no changes offered.
    await api.supabase.db.query("update public.booking_rules set change_window_minutes = 43200");
    try {
      await page.goto(api.url);
      await booking.getByText("It starts within 30 days").waitFor();
      expect(await booking.getByRole("button", { name: "Cancel booking" }).count()).toBe(0);
      expect(await booking.getByRole("button", { name: "Change time" }).count()).toBe(0);
      // Texts can still be turned on (or off).
      await booking.getByRole("button", { name: "Text me reminders" }).waitFor();
      await shot(page, "inside the change window");
    } finally {
      await api.supabase.db.query("update public.booking_rules set change_window_minutes = 1440");
    }
    expect(browser.problemsOn(api.url)).toEqual([]);
  });
});

/** A confirmed booking with a phone number for the signed-in customer: booked, then paid. */
async function confirmedBooking(
  token: string,
  email: string,
  date: string,
  time: string,
): Promise<string> {
  const consentId = await consentFor(api, email, { token });
  const { bookingId } = await expectJson(
    await apiClient(api).POST("/api/bookings", {
      body: {
        sessionType: "individual",
        format: "video",
        date,
        time,
        customer: { name: "Asha Rao", email, phone: "+919876543210" },
        consentAccepted: true,
        consentId,
      },
      headers: bearer(token),
    }),
    201,
  );
  // Paid outside the app, as staff would confirm it.
  await api.supabase.db.query(
    "update public.bookings set status = 'confirmed', expires_at = null where id = $1",
    [bookingId],
  );
  return bookingId;
}
