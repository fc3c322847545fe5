// GET /api/services through the dev server against the local stack with supabase/seed.sql: the
// public catalogue in minor units, only what is active, cacheable for a minute; and the catalogue
// tables as the database guards them — read-only for the API roles, time zones that exist,
// working hours that make sense.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ seedFile: PROJECT_SEED });
});
afterAll(async () => {
  await api?.close();
});

/** The seeded practitioner (supabase/seed.sql). */
const PRACTITIONER = "9a7c0000-0000-4000-8000-000000000001";
const INDIVIDUAL = "5e55a0e1-0000-4000-8000-000000000001";
const SEEDED = ["individual", "couples", "family", "free"];

interface ServiceBody {
  slug: string;
  prices: { currency: string; format: string; amount: number; display: string }[];
}

async function listServices(): Promise<ServiceBody[]> {
  const response = await fetch(`${api.url}/api/services`);
  expect(response.status).toBe(200);
  return (await response.json()) as ServiceBody[];
}

/** Removes the test's rows again: CI's PostgreSQL is one database shared by all files. */
async function withSessionTypes<T>(slugs: string[], run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    await api.supabase.db.query("delete from public.session_types where slug = any($1)", [
      `{${slugs.join(",")}}`,
    ]);
  }
}

async function insertSessionType(slug: string, active: boolean): Promise<string> {
  const { rows } = await api.supabase.db.query<{ id: string }>(
    `insert into public.session_types (slug, name, description, duration_minutes, active)
     values ($1, $1, '', 30, $2) returning id::text`,
    [slug, String(active)],
  );
  return rows[0]?.id ?? "";
}

async function insertPrice(sessionTypeId: string, currency: string, active: boolean) {
  await api.supabase.db.query(
    `insert into public.session_type_prices (session_type_id, currency, format, amount_minor, active)
     values ($1, $2, 'video', 1000, $3)`,
    [sessionTypeId, currency, String(active)],
  );
}

const price = (currency: string, format: string, amount: number, display: string) => ({
  currency,
  format,
  amount,
  display,
});

describe("GET /api/services", () => {
  it("lists the seeded session types in catalogue order with prices in minor units", async () => {
    const services = (await listServices()).filter(({ slug }) => SEEDED.includes(slug));
    expect(services).toEqual([
      {
        slug: "individual",
        name: "Individual session",
        description: "A one-to-one session with a practitioner.",
        durationMinutes: 50,
        bufferMinutes: 10,
        requiresConsent: true,
        prices: [
          price("INR", "video", 250000, "₹2,500.00"),
          price("INR", "in_person", 300000, "₹3,000.00"),
          price("USD", "video", 6000, "$60.00"),
          price("USD", "in_person", 7000, "$70.00"),
        ],
      },
      expect.objectContaining({
        slug: "couples",
        durationMinutes: 80,
        requiresConsent: true,
        prices: [
          price("INR", "video", 400000, "₹4,000.00"),
          price("INR", "in_person", 450000, "₹4,500.00"),
          price("USD", "video", 9500, "$95.00"),
          price("USD", "in_person", 11000, "$110.00"),
        ],
      }),
      expect.objectContaining({ slug: "family", durationMinutes: 90, requiresConsent: true }),
      {
        slug: "free",
        name: "Introductory call",
        description: "A short free call to see whether working together is a good fit.",
        durationMinutes: 15,
        bufferMinutes: 5,
        requiresConsent: false,
        prices: [price("INR", "video", 0, "₹0.00"), price("USD", "video", 0, "$0.00")],
      },
    ]);
  });

  it("may be cached publicly for a minute", async () => {
    const response = await fetch(`${api.url}/api/services`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=60");
  });

  it("hides inactive session types, inactive prices, and types left without a price", async () => {
    const slugs = ["test-inactive", "test-mixed", "test-unpriced"];
    await withSessionTypes(slugs, async () => {
      await insertPrice(await insertSessionType("test-inactive", false), "INR", true);
      const mixed = await insertSessionType("test-mixed", true);
      await insertPrice(mixed, "INR", true);
      await insertPrice(mixed, "USD", false);
      await insertPrice(await insertSessionType("test-unpriced", true), "INR", false);

      const listed = (await listServices()).filter(({ slug }) => slugs.includes(slug));
      expect(listed).toEqual([
        expect.objectContaining({
          slug: "test-mixed",
          prices: [price("INR", "video", 1000, "₹10.00")],
        }),
      ]);

      // Row-level security hides the same rows from anyone reading the tables directly.
      const direct = await api.supabase
        .client()
        .from("session_types")
        .select("slug, session_type_prices(currency)")
        .in("slug", slugs);
      expect(direct.error).toBeNull();
      expect(direct.data).toEqual([
        { slug: "test-mixed", session_type_prices: [{ currency: "INR" }] },
        { slug: "test-unpriced", session_type_prices: [] },
      ]);
    });
  });
});

describe("the catalogue tables", () => {
  it("refuse writes from the API roles, signed in or not", async () => {
    const { accessToken } = await api.signUp();
    const before = await api.supabase.db.query(
      "select slug, name, active from public.session_types order by slug",
    );
    for (const client of [api.supabase.client(), api.supabase.client(accessToken)]) {
      const attempts = [
        client.from("session_types").insert({
          slug: "test-intruder",
          name: "Intruder",
          description: "",
          duration_minutes: 5,
        }),
        client.from("session_types").update({ name: "Cheap" }).eq("slug", "individual"),
        client.from("session_types").delete().eq("slug", "individual"),
        client
          .from("session_type_prices")
          .update({ amount_minor: 1 })
          .eq("session_type_id", INDIVIDUAL),
        client.from("session_type_prices").delete().eq("session_type_id", INDIVIDUAL),
        client.from("practitioners").insert({ display_name: "Impostor", time_zone: "UTC" }),
        client.from("working_hours").delete().eq("practitioner_id", PRACTITIONER),
        client.from("schedule_exceptions").insert({
          practitioner_id: PRACTITIONER,
          during: "[2030-01-01T00:00:00Z,2030-01-02T00:00:00Z)",
        }),
      ];
      for (const { error } of await Promise.all(attempts)) {
        expect(error?.code).toBe("42501");
      }
    }
    const after = await api.supabase.db.query(
      "select slug, name, active from public.session_types order by slug",
    );
    expect(after.rows).toEqual(before.rows);
    const prices = await api.supabase.db.query(
      "select count(*)::int as n, min(amount_minor)::int as cheapest from public.session_type_prices where session_type_id = $1",
      [INDIVIDUAL],
    );
    expect(prices.rows).toEqual([{ n: 4, cheapest: 6000 }]);
  });

  it("show the public the practitioner and working hours, but not the staff account", async () => {
    const client = api.supabase.client();
    const practitioner = await client
      .from("practitioners")
      .select("id, display_name, time_zone")
      .eq("id", PRACTITIONER);
    expect(practitioner.data).toEqual([
      { id: PRACTITIONER, display_name: "Dr. Asha Menon", time_zone: "Asia/Kolkata" },
    ]);
    const hours = await client
      .from("working_hours")
      .select("weekday, start_time, end_time")
      .eq("practitioner_id", PRACTITIONER)
      .eq("weekday", 1)
      .order("start_time");
    expect(hours.data).toEqual([
      { weekday: 1, start_time: "10:00:00", end_time: "13:00:00" },
      { weekday: 1, start_time: "14:00:00", end_time: "18:00:00" },
    ]);
    const account = await client.from("practitioners").select("user_id");
    expect(account.error?.code).toBe("42501");
    const reason = await client.from("schedule_exceptions").select("reason");
    expect(reason.error?.code).toBe("42501");
  });

  it("refuse a practitioner whose time zone does not exist or is misspelt", async () => {
    for (const timeZone of ["Mars/Olympus_Mons", "asia/kolkata", "UTC+5"]) {
      await expect(
        api.supabase.db.query(
          "insert into public.practitioners (display_name, time_zone) values ('Someone', $1)",
          [timeZone],
        ),
      ).rejects.toThrow(/unknown time zone|practitioners_time_zone_name/);
    }
    await expect(
      api.supabase.db.query(
        "update public.practitioners set time_zone = 'Asia/Calcutt' where id = $1",
        [PRACTITIONER],
      ),
    ).rejects.toThrow(/unknown time zone/);
  });

  it("refuse working hours that end before they start or overlap, and allow touching ones", async () => {
    const insertHours = (weekday: number, start: string, end: string) =>
      api.supabase.db.query(
        "insert into public.working_hours (practitioner_id, weekday, start_time, end_time) values ($1, $2, $3, $4)",
        [PRACTITIONER, String(weekday), start, end],
      );
    await expect(insertHours(6, "12:00", "12:00")).rejects.toThrow(
      /working_hours_start_before_end/,
    );
    await expect(insertHours(6, "18:00", "09:00")).rejects.toThrow(
      /working_hours_start_before_end/,
    );
    await expect(insertHours(0, "09:00", "10:00")).rejects.toThrow(/working_hours_weekday_iso/);
    // Monday is 10:00–13:00 and 14:00–18:00 in the seed.
    await expect(insertHours(1, "12:30", "14:30")).rejects.toThrow(/working_hours_no_overlap/);
    try {
      await insertHours(1, "13:00", "14:00");
      await insertHours(7, "20:00", "24:00");
    } finally {
      await api.supabase.db.query(
        "delete from public.working_hours where practitioner_id = $1 and ((weekday = 1 and start_time = '13:00') or weekday = 7)",
        [PRACTITIONER],
      );
    }
  });
});
