// The staff-scope part of the security matrix: staff act for the practitioners they are linked
// to (practitioners.user_id), admins for all. Every endpoint a staff member reaches a
// practitioner's data through — each one whose spec asks for a role, and each one that names a
// resource by id — is called by staff of another practitioner and by staff linked to none, on a
// real booking, payment and consent record of one practitioner: both must get the 404 an unknown
// id gets, word for word, and change nothing. The practitioner's own staff then make the same
// request and succeed, so the 404 is the scope's doing and not a broken request.
//
// Requests are data (STAFF_REQUESTS): an endpoint added later with a role or an id fails the
// completeness check until it is listed here, or listed in NO_PRACTITIONER_DATA with the reason.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOOKING_SEALED_COLUMNS } from "../../lib/bookings/sealed-columns.js";
import { sealPersonalData } from "../../lib/crypto/personal-data.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import { HTTP_METHODS, type Route } from "../../lib/http/route.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { newPractitioner } from "../helpers/confirmed-booking.js";
import { expectProblem } from "../helpers/requests.js";
import { loadRoutes } from "../helpers/routes.js";
import { PROJECT_SEED } from "../helpers/supabase.js";

/** One practitioner's data, each a row of its own (a request may change what it acts on). */
interface Practice {
  /** A live hold, resting on the consent record. */
  heldBookingId: string;
  /** A confirmed booking, paid with the payment, resting on the consent record. */
  paidBookingId: string;
  paymentId: string;
  consentId: string;
  /** The practitioner the bookings are with. */
  practitionerId: string;
}

interface StaffRequest {
  path: (practice: Practice) => string;
  body?: (practice: Practice) => unknown;
  /** The status the practitioner's own staff get. */
  succeeds: number;
}

const BOOKING_CONFIRMATION = "booking_confirmation";

/** "METHOD /api/path/[param]" → the request that reaches one practice's data. */
export const STAFF_REQUESTS: Record<string, StaffRequest> = {
  "POST /api/payments/refund": {
    path: () => "/api/payments/refund",
    body: ({ paymentId }) => ({ paymentId, amount: 100, reason: "Goodwill" }),
    succeeds: 201,
  },
  "GET /api/payments/[id]": {
    path: ({ paymentId }) => `/api/payments/${paymentId}`,
    succeeds: 200,
  },
  "GET /api/consent/[id]": { path: ({ consentId }) => `/api/consent/${consentId}`, succeeds: 200 },
  "GET /api/bookings/[id]": {
    path: ({ paidBookingId }) => `/api/bookings/${paidBookingId}`,
    succeeds: 200,
  },
  "PUT /api/bookings/[id]": {
    path: ({ paidBookingId }) => `/api/bookings/${paidBookingId}`,
    body: () => ({ notes: "Moved to the afternoon room" }),
    succeeds: 200,
  },
  "DELETE /api/bookings/[id]": {
    path: ({ heldBookingId }) => `/api/bookings/${heldBookingId}`,
    succeeds: 200,
  },
  "POST /api/bookings/[id]/cancel": {
    path: ({ paidBookingId }) => `/api/bookings/${paidBookingId}/cancel`,
    body: () => ({ reason: "The practitioner is away" }),
    succeeds: 200,
  },
  "GET /api/staff/bookings": {
    // The bookings from 6 to 10 days ahead (the practice's are 7 and 8 days ahead).
    path: ({ practitionerId }) => {
      const day = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
      return `/api/staff/bookings?from=${day(6)}&to=${day(10)}&practitionerId=${practitionerId}`;
    },
    succeeds: 200,
  },
  "GET /api/staff/bookings/[id]": {
    path: ({ paidBookingId }) => `/api/staff/bookings/${paidBookingId}`,
    succeeds: 200,
  },
  "POST /api/staff/bookings/[id]/refund": {
    path: ({ paidBookingId }) => `/api/staff/bookings/${paidBookingId}/refund`,
    body: () => ({ amount: 100, reason: "Goodwill" }),
    succeeds: 201,
  },
  "POST /api/bookings/[id]/confirm": {
    path: ({ heldBookingId }) => `/api/bookings/${heldBookingId}/confirm`,
    succeeds: 200,
  },
  // The MindfulQALB SPA's admin confirm: the same confirm, the booking named in the body.
  "PATCH /api/bookings": {
    path: () => "/api/bookings",
    body: ({ heldBookingId }) => ({ bookingId: heldBookingId }),
    succeeds: 200,
  },
  "POST /api/notifications/email": {
    path: () => "/api/notifications/email",
    body: ({ paidBookingId }) => ({ template: BOOKING_CONFIRMATION, bookingId: paidBookingId }),
    succeeds: 202,
  },
  "POST /api/notifications/sms": {
    path: () => "/api/notifications/sms",
    body: ({ paidBookingId }) => ({ template: BOOKING_CONFIRMATION, bookingId: paidBookingId }),
    succeeds: 202,
  },
  "POST /api/notifications/batch": {
    path: () => "/api/notifications/batch",
    body: ({ paidBookingId }) => ({
      notifications: [
        { channel: "email", template: BOOKING_CONFIRMATION, bookingId: paidBookingId },
      ],
    }),
    succeeds: 202,
  },
};

/** Staff endpoints that show no practitioner's data, and why. */
export const NO_PRACTITIONER_DATA: Record<string, string> = {
  "GET /api/notifications/templates": "the template catalogue, the same for everyone",
  // Admin only: staff are refused (403) before anything is read (tests/api/admin-practice.test.ts).
  "PUT /api/admin/session-types/[slug]": "admin only; the public catalogue",
  "GET /api/admin/practitioners": "admin only",
  "POST /api/admin/practitioners": "admin only",
  "GET /api/admin/session-types": "admin only; the catalogue",
  "PATCH /api/admin/practitioners/[id]": "admin only",
  "POST /api/admin/practitioners/[id]/time-off": "admin only",
  "DELETE /api/admin/time-off/[id]": "admin only",
  "PUT /api/admin/staff": "admin only",
  "GET /api/admin/settings": "admin only; the practice's settings",
  "GET /api/analytics/summary": "admin only; daily counts per feature and tier, no bookings",
  "PUT /api/admin/settings": "admin only; the practice's settings",
  // Operations (tests/api/operations-view.test.ts, operations-alerts.test.ts).
  "GET /api/admin/operations":
    "ids and counts only, scoped in SQL: staff get their practitioners' items, never another's",
  "GET /api/admin/health": "admin only; the deployment's configuration by name",
  "POST /api/admin/operations/webhook-events/[id]/retry": "admin only",
  "POST /api/admin/operations/notifications/[id]/retry": "admin only",
  "POST /api/admin/operations/alerts/[id]/acknowledge": "admin only",
  "POST /api/admin/operations/payments/[id]/settle": "admin only",
  // Admin only (tests/api/consent-versions-admin.test.ts): the practice's consent texts.
  "POST /api/consent/versions": "admin only; a consent version is the same for every practitioner",
  "POST /api/consent/versions/[version]/retire": "admin only; the practice's consent texts",
  // Flight bookings (tests/api/flights-bookings.test.ts): the traveller's own, no practitioner data.
  "GET /api/flights/bookings/[id]":
    "the owner's flight booking (RLS: own, or admins); no practitioner data",
  "POST /api/flights/bookings/[id]/cancel": "the owner's flight booking only (checked in SQL)",
  "POST /api/flights/bookings/[id]/pay": "the owner's flight booking only (checked in SQL)",
  // Shop payments (tests/api/shops-payments.test.ts): scoped by shop membership, not practitioner.
  "GET /api/shops/[shopId]/payments/[id]":
    "a shop's order payments, for that shop's members only (RLS); no practitioner data",
  "POST /api/shops/[shopId]/payments/[id]/refund":
    "a shop's owners and admins only (payments.refund, checked in SQL); no practitioner data",
};

/** Endpoints a staff member may reach a practitioner's data through: a role, or an id. */
function staffFacing(routes: Record<string, Route>): string[] {
  return Object.entries(routes).flatMap(([path, route]) =>
    HTTP_METHODS.flatMap((method) => {
      const endpoint = route.endpoints[method] as Endpoint | undefined;
      if (!endpoint || endpoint.spec.auth === "public" || endpoint.spec.auth === "cron") return [];
      const params = (endpoint.spec.params as { shape?: Record<string, unknown> } | undefined)
        ?.shape;
      const byId = params !== undefined && "id" in params;
      return Array.isArray(endpoint.spec.auth) || byId ? [`${method} ${path}`] : [];
    }),
  );
}

const INDIVIDUAL = "5e55a0e1-0000-4000-8000-000000000001";
const DAY_MS = 86_400_000;

export async function staffScopeMatrix(rootDir: string) {
  const routes = await loadRoutes(rootDir);

  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({
      seedFile: PROJECT_SEED,
      rootDir,
      env: { SMS_ALLOWED_COUNTRIES: "IN" },
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  let practices = 0;

  /** A practitioner of its own with its staff member, one customer's data, and outsiders. */
  async function practice() {
    practices += 1;
    const [staff, stranger, unlinked, customer] = await Promise.all([
      api.signUp({ role: "staff" }),
      api.signUp({ role: "staff" }),
      api.signUp({ role: "staff" }),
      api.signUp(),
    ]);
    const practitionerId = await newPractitioner(api.supabase.db, { userId: staff.id });
    await newPractitioner(api.supabase.db, { userId: stranger.id });
    const db = api.supabase.db;
    const consent = await db.query<{ id: string }>(
      `insert into public.consent_records (consent_version, session_type_id, email_hash,
         acknowledgments, expires_at)
       select v.version, $1, $2, v.required_items, now() + interval '30 days'
       from public.consent_versions as v where v.version = '2026-11'
       returning id`,
      [INDIVIDUAL, crypto.randomUUID().replaceAll("-", "").padEnd(64, "0")],
    );
    const consentId = consent.rows[0]?.id as string;
    const insertBooking = async (status: "held" | "confirmed", day: number) => {
      const start = new Date(Date.now() + (7 + day) * DAY_MS).toISOString();
      const seal = (value: string, column: keyof typeof BOOKING_SEALED_COLUMNS) =>
        sealPersonalData(value, BOOKING_SEALED_COLUMNS[column]);
      const { rows } = await db.query<{ id: string }>(
        `insert into public.bookings (user_id, practitioner_id, session_type_id, format, during,
           blocked, status, expires_at, amount_minor, currency, customer_name_sealed,
           customer_email_sealed, customer_email_hash, customer_phone_sealed, sms_opt_in,
           consent_id)
         values ($1, $2, $3, 'video',
           tstzrange($4::timestamptz, $4::timestamptz + interval '50 minutes'),
           tstzrange($4::timestamptz, $4::timestamptz + interval '60 minutes'), $5,
           case when $5 = 'held' then now() + interval '10 minutes' end, 250000, 'INR',
           $6, $7, $8, $9, true, $10)
         returning id`,
        [
          customer.id,
          practitionerId,
          INDIVIDUAL,
          start,
          status,
          seal("Asha Rao", "customer_name_sealed"),
          seal("asha@example.test", "customer_email_sealed"),
          crypto.randomUUID(),
          seal(`+9198${String(practices).padStart(3, "0")}${day}1234`, "customer_phone_sealed"),
          consentId,
        ],
      );
      return rows[0]?.id as string;
    };
    const heldBookingId = await insertBooking("held", 0);
    const paidBookingId = await insertBooking("confirmed", 1);
    const payment = await db.query<{ id: string }>(
      `insert into public.payments (user_id, booking_id, provider, provider_order_id,
         provider_payment_id, session_type_id, format, amount_minor, currency, status, captured_at)
       values ($1, $2, 'sandbox', $3, $4, $5, 'video', 250000, 'INR', 'captured', now())
       returning id`,
      [customer.id, paidBookingId, `order_${paidBookingId}`, `pay_${paidBookingId}`, INDIVIDUAL],
    );
    const paymentId = payment.rows[0]?.id as string;
    await db.query("update public.bookings set paid_by_payment_id = $2 where id = $1", [
      paidBookingId,
      paymentId,
    ]);
    return {
      data: { heldBookingId, paidBookingId, paymentId, consentId, practitionerId },
      staff,
      outsiders: { "staff of another practitioner": stranger, "staff linked to none": unlinked },
    };
  }

  const UNKNOWN: Practice = {
    heldBookingId: crypto.randomUUID(),
    paidBookingId: crypto.randomUUID(),
    paymentId: crypto.randomUUID(),
    consentId: crypto.randomUUID(),
    practitionerId: crypto.randomUUID(),
  };

  function send(request: StaffRequest, method: string, data: Practice, token: string) {
    const body = request.body?.(data);
    return fetch(`${api.url}${request.path(data)}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        "idempotency-key": crypto.randomUUID(),
        ...(body !== undefined && { "content-type": "application/json" }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  }

  /**
   * Everything the database holds about one practice's data, as JSON: its rows, and every row
   * about them (history, refunds, notifications, audit logs). Only these, not whole tables:
   * work another test started may still be landing elsewhere (a refund owed after a
   * cancellation is asked for once the cancellation commits).
   */
  async function snapshot({ heldBookingId, paidBookingId, paymentId, consentId }: Practice) {
    const ids = [heldBookingId, paidBookingId, paymentId, consentId];
    const { rows } = await api.supabase.db.query<{ snapshot: unknown }>(
      `select jsonb_build_object(
         'bookings', (select jsonb_agg(b order by b.id) from public.bookings as b
           where b.id = any($1::uuid[])),
         'booking_events', (select jsonb_agg(e order by e.id) from public.booking_events as e
           where e.booking_id = any($1::uuid[])),
         'payments', (select jsonb_agg(p) from public.payments as p where p.id = any($1::uuid[])),
         'refunds', (select jsonb_agg(r order by r.id) from public.refunds as r
           where r.payment_id = any($1::uuid[])),
         'consent_records', (select jsonb_agg(c) from public.consent_records as c
           where c.id = any($1::uuid[])),
         'notifications', (select jsonb_agg(n.id order by n.id) from public.notifications as n
           where n.booking_id = any($1::uuid[]) or n.payment_id = any($1::uuid[])),
         'personal_data_reads', (select jsonb_agg(d order by d.id)
           from public.personal_data_reads as d where d.subject_id = any($1::uuid[])),
         'staff_actions', (select jsonb_agg(a order by a.id) from public.staff_actions as a
           where a.subject_id = any($1::uuid[]))
       ) as snapshot`,
      [`{${ids.join(",")}}`],
    );
    return rows[0]?.snapshot;
  }

  /** The problem body without the one field that differs per request. */
  async function problemOf(response: Response) {
    const { requestId: _requestId, ...problem } = await expectProblem(response, 404, "not_found");
    return problem;
  }

  describe("staff scope", () => {
    it("lists every endpoint with a role or an id, or says why it shows no practitioner's data", () => {
      const listed = new Set([
        ...Object.keys(STAFF_REQUESTS),
        ...Object.keys(NO_PRACTITIONER_DATA),
      ]);
      expect(staffFacing(routes).filter((c) => !listed.has(c))).toEqual([]);
      expect([...listed].filter((c) => !staffFacing(routes).includes(c))).toEqual([]);
    });

    for (const [name, request] of Object.entries(STAFF_REQUESTS)) {
      const method = name.split(" ")[0] as string;
      it(`${name}: other staff get the 404 of an unknown id and change nothing; its own staff succeed`, async () => {
        const { data, staff, outsiders } = await practice();
        for (const [who, outsider] of Object.entries(outsiders)) {
          const unknown = await problemOf(
            await send(request, method, UNKNOWN, outsider.accessToken),
          );
          const before = await snapshot(data);
          const refused = await send(request, method, data, outsider.accessToken);
          expect(await problemOf(refused), who).toEqual(unknown);
          expect(await snapshot(data), who).toEqual(before);
        }
        const own = await send(request, method, data, staff.accessToken);
        expect(own.status, await own.text()).toBe(request.succeeds);
      });
    }
  });
}
