// The demo app's staff page (/staff) on a phone-sized screen: a staff member signs in and sees
// the day's bookings of the practitioner their account acts for, with each customer's name,
// email and phone (the read recorded in the personal-data read log), confirms a hold paid at the
// practice, and does not see another practitioner's booking. Chromium through playwright-core;
// screenshots in tests/e2e/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKING_SEALED_COLUMNS } from "../../lib/bookings/sealed-columns.js";
import { sealPersonalData } from "../../lib/crypto/personal-data.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { newPractitioner } from "../helpers/confirmed-booking.js";
import { PROJECT_SEED } from "../helpers/supabase.js";
import { newAccount, registerThroughApi, signInWithForm } from "./helpers/app.js";
import { launchBrowser, type TestBrowser } from "./helpers/browser.js";
import { PHONE, screenshots } from "./helpers/screenshots.js";

const INDIVIDUAL = "5e55a0e1-0000-4000-8000-000000000001";
const shot = screenshots("staff-day");

let api: TestApi;
let browser: TestBrowser;

beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED, databaseWebhooks: false });
  browser = await launchBrowser({ viewport: PHONE });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const seal = (value: string, column: keyof typeof BOOKING_SEALED_COLUMNS) =>
  sealPersonalData(value, BOOKING_SEALED_COLUMNS[column]);

/** A 50-minute booking with the customer's sealed details; answers its id. */
async function booking(
  practitionerId: string,
  start: string,
  status: "held" | "confirmed",
  name: string,
): Promise<string> {
  const { rows } = await api.supabase.db.query<{ id: string }>(
    `insert into public.bookings (practitioner_id, session_type_id, format, during, blocked,
       status, expires_at, amount_minor, currency, customer_name_sealed, customer_email_sealed,
       customer_email_hash, customer_phone_sealed)
     values ($1, $2, 'video', tstzrange($3::timestamptz, $3::timestamptz + interval '50 minutes'),
       tstzrange($3::timestamptz, $3::timestamptz + interval '60 minutes'), $4,
       case when $4 = 'held' then now() + interval '10 minutes' end, 250000, 'INR', $5, $6, $7, $8)
     returning id`,
    [
      practitionerId,
      INDIVIDUAL,
      start,
      status,
      seal(name, "customer_name_sealed"),
      seal("client@example.test", "customer_email_sealed"),
      crypto.randomUUID(),
      seal("+919876543210", "customer_phone_sealed"),
    ],
  );
  return rows[0]?.id as string;
}

describe("the staff page on a phone", { timeout: 120_000 }, () => {
  it("shows the day's bookings with the customers' details and confirms a hold", async () => {
    const { page } = browser;
    const account = newAccount();
    await registerThroughApi(api.url, account);
    const { rows } = await api.supabase.db.query<{ id: string }>(
      `update auth.users set raw_app_meta_data = raw_app_meta_data || '{"role": "staff"}'
       where email = $1 returning id`,
      [account.email],
    );
    const staffId = rows[0]?.id as string;
    const practitionerId = await newPractitioner(api.supabase.db, { userId: staffId });
    const otherPractitionerId = await newPractitioner(api.supabase.db);

    await page.goto(`${api.url}/staff`);
    await signInWithForm(page, account);
    // Noon and 2 PM of the browser's today, in its own time zone: the day the page opens on.
    const [noon, afternoon] = await page.evaluate(() => {
      const today = new Date();
      const at = (hour: number) =>
        new Date(today.getFullYear(), today.getMonth(), today.getDate(), hour).toISOString();
      return [at(12), at(14)];
    });
    const held = await booking(practitionerId, noon as string, "held", "Meera Iyer");
    const confirmed = await booking(practitionerId, afternoon as string, "confirmed", "Asha Rao");
    await booking(otherPractitionerId, noon as string, "confirmed", "Someone Else");

    // Signing in happened before the bookings existed: the day is read again.
    await page.getByRole("button", { name: "Next day" }).click();
    await page.getByRole("button", { name: "Previous day" }).click();
    await page.getByText("2 bookings.").waitFor();
    const heldCard = page.locator(`[data-booking-id="${held}"]`);
    await heldCard.getByText("Meera Iyer").waitFor();
    await heldCard.getByRole("link", { name: "+919876543210" }).waitFor();
    await page.locator(`[data-booking-id="${confirmed}"]`).getByText("Asha Rao").waitFor();
    expect(await page.getByText("Someone Else").count()).toBe(0);
    await shot(page, "the day");

    await heldCard.getByRole("button", { name: "Confirm" }).click();
    await page
      .locator(`[data-booking-id="${held}"]`)
      .getByText(/^Confirmed/)
      .waitFor();
    const status = await api.supabase.db.query<{ status: string }>(
      "select status from public.bookings where id = $1",
      [held],
    );
    expect(status.rows).toEqual([{ status: "confirmed" }]);
    const reads = await api.supabase.db.query<{ n: string }>(
      `select count(*)::text as n from public.personal_data_reads
       where subject_table = 'bookings' and subject_id = $1 and actor = $2`,
      [held, staffId],
    );
    expect(Number(reads.rows[0]?.n)).toBeGreaterThanOrEqual(1);
    await shot(page, "hold confirmed");
    expect(browser.problems).toEqual([]);
  });
});
