// One representative call per main endpoint, played against a test API with Upstash (a local
// Redis) and counted with tests/helpers/round-trips.ts: what tests/api/round-trips.test.ts holds
// to each endpoint's declared `roundTrips`, and what `npm run bench` prints and keeps in
// bench/results.json. Whatever a call needs first (a user, a consent record, a hold, an order) is
// made through the API before it, untimed and uncounted; the call itself is counted alone.
//
// Each call is the common case: a signed-in customer where one may sign in, an Idempotency-Key
// where the SPA sends one, the seeded session types and a practitioner of the call's own, so
// every slot of its week is free. One warm-up request first, so what an instance does once (the
// rate limiter loading its script into Redis) is not in any call's count.
import {
  sandboxCheckoutSignature,
  sandboxPaymentId,
} from "../../lib/payments/providers/sandbox.js";
import type { TestApi } from "./api.js";
import { futureWeekday } from "./booking-hold.js";
import { newPractitioner } from "./practitioner.js";
import type { CountedRequest, RoundTripCounter } from "./round-trips.js";

export interface RoundTripCall {
  /** What the call is, as the table shows it. */
  name: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** The route whose spec declares the counts, as lib/openapi/routes.ts names it. */
  route: string;
  status: number;
  counted: CountedRequest;
}

const PASSWORD = "a long and unusual passphrase";
const ACKNOWLEDGMENTS = [
  "confidentiality",
  "cancellation_policy",
  "emergency_contact",
  "telehealth_risks",
];

export async function playRoundTripCalls(
  api: TestApi,
  counter: RoundTripCounter,
): Promise<RoundTripCall[]> {
  const send = async (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; key?: string } = {},
  ) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        ...(options.body !== undefined && { "content-type": "application/json" }),
        ...(options.token && { authorization: `Bearer ${options.token}` }),
        ...(options.key && { "idempotency-key": options.key }),
      },
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) as never };
  };
  const expectStatus = (what: string, status: number, answer: { status: number; text: string }) => {
    if (answer.status !== status) {
      throw new Error(`${what} answered ${answer.status}, not ${status}: ${answer.text}`);
    }
  };

  const calls: RoundTripCall[] = [];
  /** Plays one call alone, after everything before it has settled, and keeps its counts. */
  const count = async (
    name: string,
    route: string,
    method: RoundTripCall["method"],
    path: string,
    options: { token?: string; body?: unknown; key?: string; status: number },
  ) => {
    await api.settle();
    counter.take();
    const answer = await send(method, path, options);
    await api.settle();
    const seen = counter.take();
    expectStatus(`${method} ${path}`, options.status, answer);
    const [counted, ...others] = seen;
    if (!counted || others.length > 0) {
      throw new Error(`${method} ${path} was seen as ${seen.length} API requests, not one`);
    }
    calls.push({ name, method, route, status: answer.status, counted });
    return answer;
  };

  const user = await api.signUp();
  const token = user.accessToken;
  // The warm-up: the limiter's script, the Auth server's keys.
  expectStatus("warm-up", 200, await send("GET", "/api/auth/me", { token }));

  await count("health", "/api/health", "GET", "/api/health", { status: 200 });
  await count("services", "/api/services", "GET", "/api/services", { status: 200 });

  const practitionerId = await newPractitioner(api.supabase);
  const date = futureWeekday(1);
  await count(
    "availability (one day)",
    "/api/availability",
    "GET",
    `/api/availability?date=${date}&sessionType=individual&practitionerId=${practitionerId}`,
    { status: 200 },
  );

  await count(
    "availability (30-day month view)",
    "/api/availability/calendar",
    "GET",
    `/api/availability/calendar?from=${date}&days=30&sessionType=individual&practitionerId=${practitionerId}`,
    { status: 200 },
  );

  const email = `round-trips-${crypto.randomUUID().slice(0, 8)}@example.test`;
  await count("consent (record)", "/api/consent", "POST", "/api/consent", {
    token,
    key: crypto.randomUUID(),
    body: {
      sessionType: "individual",
      email,
      consentVersion: "2026-11",
      acknowledgments: ACKNOWLEDGMENTS,
    },
    status: 201,
  });
  const booking = {
    sessionType: "individual",
    format: "video",
    date,
    time: "10:00 AM",
    practitionerId,
    customer: { name: "Asha Rao", email },
    consentAccepted: true,
  };
  const created = await count("bookings create (hold)", "/api/bookings", "POST", "/api/bookings", {
    token,
    key: crypto.randomUUID(),
    body: booking,
    status: 201,
  });
  const { bookingId } = created.json() as { bookingId: string };
  await count("bookings read", "/api/bookings/[id]", "GET", `/api/bookings/${bookingId}`, {
    token,
    status: 200,
  });
  await count("bookings change (move)", "/api/bookings/[id]", "PUT", `/api/bookings/${bookingId}`, {
    token,
    body: { date, time: "11:00 AM" },
    status: 200,
  });

  const order = await count(
    "payments create-order",
    "/api/payments/create-order",
    "POST",
    "/api/payments/create-order",
    {
      token,
      key: crypto.randomUUID(),
      body: { sessionType: "individual", format: "video", bookingId },
      status: 201,
    },
  );
  const { orderId, amount, currency } = order.json() as {
    orderId: string;
    amount: number;
    currency: string;
  };
  const paymentId = sandboxPaymentId({
    orderId,
    amountMinor: amount,
    currency,
    status: "captured",
  });
  await count("payments verify", "/api/payments/verify", "POST", "/api/payments/verify", {
    token,
    body: {
      razorpay_order_id: orderId,
      razorpay_payment_id: paymentId,
      razorpay_signature: sandboxCheckoutSignature(orderId, paymentId),
    },
    status: 200,
  });

  // A second hold of the same customer, to cancel (the first is paid for now).
  const second = await send("POST", "/api/bookings", {
    token,
    body: { ...booking, time: "2:00 PM" },
  });
  expectStatus("the hold to cancel", 201, second);
  const { bookingId: toCancel } = second.json() as { bookingId: string };
  await count(
    "bookings cancel",
    "/api/bookings/[id]/cancel",
    "POST",
    `/api/bookings/${toCancel}/cancel`,
    { token, body: {}, status: 200 },
  );

  const memberEmail = `member-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const member = await api.supabase
    .client(api.supabase.serviceRoleKey)
    .auth.admin.createUser({ email: memberEmail, password: PASSWORD, email_confirm: true });
  if (member.error) throw member.error;
  await count("auth login", "/api/auth/login", "POST", "/api/auth/login", {
    body: { email: memberEmail, password: PASSWORD },
    status: 200,
  });
  await count("auth me", "/api/auth/me", "GET", "/api/auth/me", { token, status: 200 });
  await count("users me", "/api/users/me", "GET", "/api/users/me", { token, status: 200 });
  await count("sync settings (write)", "/api/sync/settings", "PUT", "/api/sync/settings", {
    token,
    body: { baseVersion: 0, schemaVersion: 1, device: "laptop", data: { theme: "dark" } },
    status: 200,
  });
  await count("sync pull", "/api/sync/pull", "GET", "/api/sync/pull?since=0", {
    token,
    status: 200,
  });
  return calls;
}
