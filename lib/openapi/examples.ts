// Hand-written examples for the OpenAPI document, by operation ("POST /api/bookings"): request
// bodies, success bodies and parameters. They tell one story — Priya books an individual video
// session a little over two weeks ahead and pays for it — so the same ids and values recur across
// endpoints. Every date in the story is relative to when the document is built
// (`operationExamples(now)`), so the session is always in the future and the records beside it
// look recent, however long ago this file was written. Operations not listed here get examples
// generated from their JSON Schema (example-from-schema.ts). tests/lib/openapi/examples.test.ts
// parses every example, listed or generated, with the endpoint's own zod schema: an example that
// drifts from the contract fails.
//
// They live here rather than in `.meta({ examples })` on the domain schemas because one booking
// appears in several answers (created, read, listed, cancelled) and stays one value, and
// because the request bodies of some endpoints are declared inline in api/.
import type * as z from "zod";
import type { MeView } from "../accounts/me.js";
import type { Profile, ProfileUpdate } from "../accounts/profile.js";
import type { SessionView } from "../accounts/session.js";
import type { BookingView } from "../bookings/booking-view.js";
import type { BookingCreated, BookingRequest } from "../bookings/create-booking.js";
import type { BookingList } from "../bookings/list-bookings.js";
import type { BookingCancellation, BookingChange } from "../bookings/manage-booking.js";
import type { Service } from "../catalogue/services.js";
import { channelExamples } from "../channels/openapi-examples.js";
import { chatExamples } from "../chat/openapi-examples.js";
import type { ConsentVersion } from "../consent/consent-version.js";
import type { ConsentRecordView } from "../consent/read-consent-record.js";
import type { ConsentReceipt, ConsentRequest } from "../consent/record-consent.js";
import type { ConfirmRequest, PaymentConfirmation } from "../payments/confirm-intent.js";
import type { CheckoutCreated, CheckoutRequest } from "../payments/create-checkout.js";
import type { IntentCreated, IntentRequest } from "../payments/create-intent.js";
import type { Order, OrderRequest } from "../payments/create-order.js";
import type { PaymentView } from "../payments/payment-row.js";
import type { Verification, VerifyRequest } from "../payments/verify-payment.js";
import type { Availability, AvailabilityRequest } from "../scheduling/availability.js";
import { shopExamples } from "../shops/openapi-examples.js";
import type {
  ShopConfirmRequest,
  ShopPaymentConfirmation,
} from "../shops/payments/confirm-payment.js";
import type { ShopIntentCreated, ShopIntentRequest } from "../shops/payments/create-intent.js";
import type {
  ConnectStatus,
  OnboardingLink,
  OnboardingRequest,
} from "../shops/payments/onboarding.js";
import type { ShopRefundRequest } from "../shops/payments/refund-payment.js";
import type { ShopPayment } from "../shops/payments/shop-payment-row.js";
import type { PortalRequest, PortalSession } from "../subscriptions/billing-portal.js";
import type { TierChange } from "../subscriptions/change-tier.js";
import { TIER_FEATURES } from "../subscriptions/features.js";
import type {
  SubscriptionCheckoutCreated,
  SubscriptionCheckoutRequest,
} from "../subscriptions/start-checkout.js";
import type { MySubscription, SubscriptionView } from "../subscriptions/subscription-view.js";
import { flightExamples } from "../travel/openapi-examples.js";

export interface OperationExamples {
  /** The JSON request body. */
  request?: unknown;
  /** The JSON body of the success answer. */
  response?: unknown;
  /**
   * Path and query parameters, by name, as they are written in the URL. Swagger UI fills them
   * in for "Try it out": an optional one without an example here is left empty.
   */
  parameters?: Record<string, string | number>;
}

type In<T extends z.ZodType> = z.input<T>;
type Out<T extends z.ZodType> = z.output<T>;

const APP = "https://app.example.com";
const USER_ID = "0b5e3c1a-7d2f-4e8b-9a6c-1f2d3e4a5b6c";
const EMAIL = "priya@example.com";
const BOOKING_ID = "b7e2c4a0-3f1d-4c9e-8a5b-2d6f0e1c9a73";
const CONSENT_ID = "c0a8f3e2-5b7d-4e1a-9c6f-8d2b4a0e7f15";
const PAYMENT_ID = "9d4e2b7a-1c3f-4a8e-b5d0-6f2a8c1e4b93";
const REFUND_ID = "e5a1c9d3-7b2f-4e6a-8c0d-3f9b1a5e7d24";
const PRACTITIONER_ID = "5a7d1e3c-9b2f-4c6e-8a0d-1f3b5c7e9a24";
const MANAGE_TOKEN = "ZBkIQ1N753YQozhKRt5hfq1raYDbetsswLRfhlB2drE";
const STRIPE_SESSION = "cs_test_a1Kq9XvB2mT7cR4pL8sN3wZ6yH0jD5fG";
const SHOP_ID = "3f8a2c6e-1d4b-4e9a-b7c5-0a2e4d6f8b13";
const SHOP_ORDER_ID = "7c1e5a9d-3b2f-4d8e-a6c0-9e1b3d5f7a42";
const SHOP_PAYMENT_ID = "a4d2f6b8-0c1e-4a3b-9d5f-7e2c4a6b8d01";
const SHOP_INTENT = "pi_3QmShP2eZvKYlo2C0q7Lr5Tb";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** The practice's time zone, Asia/Kolkata: UTC+05:30 all year. */
const PRACTICE_OFFSET_MS = 330 * MINUTE_MS;
const HOLD_MINUTES = 10;
const CHANGE_WINDOW_HOURS = 24;
const CONSENT_RETENTION_DAYS = 2555;

/**
 * The story's instants, from the moment the document is built: Priya books at `booked` (now, to
 * the minute) a session on the first Tuesday at least 14 days ahead in the practice's time zone,
 * then moves it to the Wednesday after.
 */
function storyTimes(now: Date) {
  const booked = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const iso = (ms: number) => new Date(ms).toISOString();
  const localToday = Date.parse(`${iso(booked + PRACTICE_OFFSET_MS).slice(0, 10)}T00:00:00Z`);
  let session = localToday + 14 * DAY_MS;
  while (new Date(session).getUTCDay() !== 2) session += DAY_MS;
  const sessionDay = iso(session).slice(0, 10);
  const movedDay = iso(session + DAY_MS).slice(0, 10);
  /** The UTC instant `hours:minutes` (UTC) on a day, as the API writes instants. */
  const at = (day: string, hours: number, minutes: number) =>
    iso(Date.parse(`${day}T00:00:00Z`) + (hours * 60 + minutes) * MINUTE_MS);
  const consented = booked - 108_000;
  return {
    sessionDay,
    movedDay,
    at,
    booked: iso(booked),
    holdExpires: iso(booked + HOLD_MINUTES * MINUTE_MS),
    // 10:00 AM in Kolkata is 04:30 UTC.
    changeableUntil: iso(Date.parse(at(sessionDay, 4, 30)) - CHANGE_WINDOW_HOURS * 3_600_000),
    consented: iso(consented),
    consentExpires: iso(consented + CONSENT_RETENTION_DAYS * DAY_MS),
    paymentCreated: iso(booked + 65_000),
    paymentCaptured: iso(booked + 221_000),
    periodEnd: iso(booked + 30 * DAY_MS + 15 * MINUTE_MS),
    signedUp: iso(booked - 19 * DAY_MS - 6 * 3_600_000 - 15 * MINUTE_MS),
    /** Seconds since the epoch, as SessionView's expiresAt: an hour after signing in. */
    tokenExpires: Math.floor(booked / 1000) + 3600,
  };
}

/** An access token shaped like Supabase's (ES256 JWT), expiring at `exp`; its signature is made up. */
function accessToken(exp: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return [
    part({ alg: "ES256", kid: "d6450f3e", typ: "JWT" }),
    part({ sub: USER_ID, role: "authenticated", exp }),
    "3q2-7wXb9kLmN0pQrStUvWxYz",
  ].join(".");
}

/** The operations on one record, each given the path parameters that name it. */
function withParameters(
  parameters: OperationExamples["parameters"],
  operations: Record<string, Omit<OperationExamples, "parameters">>,
): Record<string, OperationExamples> {
  return Object.fromEntries(
    Object.entries(operations).map(([operation, examples]) => [
      operation,
      { parameters, ...examples },
    ]),
  );
}

/** Every hand-written example, with the story's dates counted from `now`. */
export function operationExamples(now: Date): Record<string, OperationExamples> {
  const t = storyTimes(now);
  const SESSION: Out<typeof SessionView> = {
    user: { id: USER_ID, email: EMAIL, createdAt: t.signedUp },
    accessToken: accessToken(t.tokenExpires),
    expiresAt: t.tokenExpires,
  };

  const INDIVIDUAL: Out<typeof Service> = {
    slug: "individual",
    name: "Individual session",
    description: "A one-to-one session with a practitioner.",
    durationMinutes: 50,
    bufferMinutes: 10,
    requiresConsent: true,
    prices: [
      { currency: "INR", format: "video", amount: 250000, display: "₹2,500.00" },
      { currency: "INR", format: "in_person", amount: 300000, display: "₹3,000.00" },
      { currency: "USD", format: "video", amount: 6000, display: "$60.00" },
      { currency: "USD", format: "in_person", amount: 7000, display: "$70.00" },
    ],
  };

  const INTRODUCTORY_CALL: Out<typeof Service> = {
    slug: "free",
    name: "Introductory call",
    description: "A short free call to see whether working together is a good fit.",
    durationMinutes: 15,
    bufferMinutes: 5,
    requiresConsent: false,
    prices: [
      { currency: "INR", format: "video", amount: 0, display: "₹0.00" },
      { currency: "USD", format: "video", amount: 0, display: "$0.00" },
    ],
  };

  const AVAILABILITY_QUESTION: In<typeof AvailabilityRequest> = {
    date: t.sessionDay,
    sessionType: "individual",
  };

  const AVAILABILITY: Out<typeof Availability> = {
    date: t.sessionDay,
    sessionType: "individual",
    timezone: "Asia/Kolkata",
    slots: [
      {
        time: "10:00 AM",
        start: t.at(t.sessionDay, 4, 30),
        end: t.at(t.sessionDay, 5, 20),
        available: true,
      },
      {
        time: "10:30 AM",
        start: t.at(t.sessionDay, 5, 0),
        end: t.at(t.sessionDay, 5, 50),
        available: false,
      },
      {
        time: "11:00 AM",
        start: t.at(t.sessionDay, 5, 30),
        end: t.at(t.sessionDay, 6, 20),
        available: true,
      },
    ],
  };

  const BOOKING_REQUEST: In<typeof BookingRequest> = {
    sessionType: "individual",
    format: "video",
    date: t.sessionDay,
    time: "10:00 AM",
    customer: { name: "Priya Sharma", email: EMAIL, phone: "+91 98765 43210" },
    consentAccepted: true,
    consentId: CONSENT_ID,
    currency: "INR",
    notes: "First session. Mornings suit me best.",
  };

  /** The hold POST /api/bookings makes: ten minutes to pay. */
  const HELD_BOOKING: Out<typeof BookingView> = {
    id: BOOKING_ID,
    status: "held",
    sessionType: "individual",
    format: "video",
    date: t.sessionDay,
    time: "10:00 AM",
    timezone: "Asia/Kolkata",
    start: t.at(t.sessionDay, 4, 30),
    end: t.at(t.sessionDay, 5, 20),
    expiresAt: t.holdExpires,
    changeableUntil: t.changeableUntil,
    price: { amountMinor: 250000, currency: "INR" },
    customer: { name: "Priya Sharma", email: EMAIL, phone: "+91 98765 43210" },
    notes: "First session. Mornings suit me best.",
    smsReminders: false,
    cancellationReason: null,
    refundDueMinor: null,
    createdAt: t.booked,
  };

  const CONFIRMED_BOOKING: Out<typeof BookingView> = {
    ...HELD_BOOKING,
    status: "confirmed",
    expiresAt: null,
  };

  const BOOKING_CREATED: Out<typeof BookingCreated> = {
    success: true,
    bookingId: BOOKING_ID,
    status: "held",
    confirmationUrl: `${APP}/bookings/${BOOKING_ID}#token=${MANAGE_TOKEN}`,
    expiresAt: t.holdExpires,
    manageToken: MANAGE_TOKEN,
    booking: HELD_BOOKING,
  };

  const BOOKING_LIST: Out<typeof BookingList> = {
    bookings: [CONFIRMED_BOOKING],
    nextCursor: null,
  };

  const BOOKING_CHANGE: In<typeof BookingChange> = {
    date: t.movedDay,
    time: "2:30 PM",
    notes: "Moved to the afternoon.",
  };

  const RESCHEDULED_BOOKING: Out<typeof BookingView> = {
    ...CONFIRMED_BOOKING,
    date: t.movedDay,
    time: "2:30 PM",
    start: t.at(t.movedDay, 9, 0),
    end: t.at(t.movedDay, 9, 50),
    notes: "Moved to the afternoon.",
  };

  const CANCELLATION: In<typeof BookingCancellation> = { reason: "I am travelling that week." };

  const CANCELLED_BOOKING: Out<typeof BookingView> = {
    ...CONFIRMED_BOOKING,
    status: "cancelled",
    cancellationReason: "I am travelling that week.",
    refundDueMinor: 250000,
  };

  const CONSENT_VERSION: Out<typeof ConsentVersion> = {
    version: "2026-11",
    title: "Informed consent for therapy",
    requiredItems: [
      "confidentiality",
      "cancellation_policy",
      "emergency_contact",
      "telehealth_risks",
    ],
    retentionDays: 2555,
  };

  /** What Priya acknowledged, in the order she sent it and the record keeps it. */
  const ACKNOWLEDGMENTS: In<typeof ConsentRequest>["acknowledgments"] = [
    "cancellation_policy",
    "confidentiality",
    "emergency_contact",
    "telehealth_risks",
  ];

  const CONSENT_REQUEST: In<typeof ConsentRequest> = {
    sessionType: "individual",
    email: EMAIL,
    consentVersion: "2026-11",
    acknowledgments: ACKNOWLEDGMENTS,
  };

  const CONSENT_RECEIPT: Out<typeof ConsentReceipt> = { success: true, consentId: CONSENT_ID };

  const CONSENT_RECORD: Out<typeof ConsentRecordView> = {
    id: CONSENT_ID,
    sessionType: "individual",
    consentVersion: "2026-11",
    acknowledgments: ACKNOWLEDGMENTS,
    ip: "203.0.113.7",
    userAgent:
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0",
    userId: USER_ID,
    createdAt: t.consented,
    expiresAt: t.consentExpires,
  };

  const ORDER_REQUEST: In<typeof OrderRequest> = {
    sessionType: "individual",
    format: "video",
    bookingId: BOOKING_ID,
  };

  const ORDER: Out<typeof Order> = {
    orderId: "order_PZx7c2KqLm9TfB",
    amount: 250000,
    currency: "INR",
    keyId: "rzp_test_1DP5mmOlF5G5ag",
    paymentId: PAYMENT_ID,
  };

  const VERIFY_REQUEST: In<typeof VerifyRequest> = {
    razorpay_order_id: "order_PZx7c2KqLm9TfB",
    razorpay_payment_id: "pay_PZx8Hq4nVt2WcY",
    razorpay_signature: "b78a5da2da82223ca75533a5eb463deb001f0694a8a32dc1ec6b9b163f983209",
  };

  const VERIFICATION: Out<typeof Verification> = {
    verified: true,
    paymentId: PAYMENT_ID,
    providerPaymentId: "pay_PZx8Hq4nVt2WcY",
    status: "captured",
    bookingStatus: "confirmed",
  };

  const CHECKOUT_REQUEST: In<typeof CheckoutRequest> = {
    sessionType: "individual",
    format: "video",
    customer: { email: EMAIL },
    successUrl: `${APP}/bookings/${BOOKING_ID}?paid=1`,
    cancelUrl: `${APP}/bookings/${BOOKING_ID}`,
    bookingId: BOOKING_ID,
  };

  const CHECKOUT_CREATED: Out<typeof CheckoutCreated> = {
    sessionId: STRIPE_SESSION,
    url: `https://checkout.stripe.com/c/pay/${STRIPE_SESSION}`,
    paymentId: PAYMENT_ID,
  };

  const INTENT_REQUEST: In<typeof IntentRequest> = { bookingId: BOOKING_ID };

  const INTENT_CREATED: Out<typeof IntentCreated> = {
    clientSecret: "pi_3QkRzT2eZvKYlo2C1x8Jd4Fh_secret_Wm7Yv2Qk9LpXcT4bN8sRz1HdG",
    paymentIntentId: "pi_3QkRzT2eZvKYlo2C1x8Jd4Fh",
    amount: 250000,
    currency: "INR",
    paymentId: PAYMENT_ID,
  };

  const CONFIRM_REQUEST: In<typeof ConfirmRequest> = {
    paymentIntentId: "pi_3QkRzT2eZvKYlo2C1x8Jd4Fh",
  };

  const PAYMENT_CONFIRMATION: Out<typeof PaymentConfirmation> = {
    paymentId: PAYMENT_ID,
    status: "captured",
    bookingStatus: "confirmed",
  };

  const PAYMENT: Out<typeof PaymentView> = {
    id: PAYMENT_ID,
    bookingId: BOOKING_ID,
    provider: "razorpay",
    status: "captured",
    amountMinor: 250000,
    currency: "INR",
    refundedMinor: 0,
    createdAt: t.paymentCreated,
    capturedAt: t.paymentCaptured,
  };

  const REFUND_REQUEST = {
    paymentId: PAYMENT_ID,
    amount: 125000,
    reason: "Session cut short by a connection problem; half refunded.",
  };

  const REFUND = {
    refundId: REFUND_ID,
    paymentId: PAYMENT_ID,
    amountMinor: 125000,
    status: "pending",
  };

  const SUBSCRIPTION: Out<typeof SubscriptionView> = {
    tier: "pro",
    status: "active",
    currentPeriodEnd: t.periodEnd,
    cancelAtPeriodEnd: false,
  };

  const MY_SUBSCRIPTION: Out<typeof MySubscription> = {
    tier: "pro",
    subscription: SUBSCRIPTION,
    features: TIER_FEATURES.pro,
    tiers: TIER_FEATURES,
  };

  const SUBSCRIPTION_CHECKOUT_REQUEST: In<typeof SubscriptionCheckoutRequest> = {
    tier: "pro",
    successUrl: `${APP}/account?subscribed=1`,
    cancelUrl: `${APP}/account`,
  };

  const SUBSCRIPTION_CHECKOUT: Out<typeof SubscriptionCheckoutCreated> = {
    sessionId: "cs_test_b1Lr0YwC3nU8dS5qM9tO4xA7zI1kE6gH",
    url: "https://checkout.stripe.com/c/pay/cs_test_b1Lr0YwC3nU8dS5qM9tO4xA7zI1kE6gH",
  };

  const TIER_CHANGE: In<typeof TierChange> = { tier: "premium" };

  const PORTAL_REQUEST: In<typeof PortalRequest> = { returnUrl: `${APP}/account` };

  const PORTAL_SESSION: Out<typeof PortalSession> = {
    url: "https://billing.stripe.com/p/session/test_YWNjdF8xTjBhQmNEZWZHaGlKa0xt",
  };

  const ME: Out<typeof MeView> = {
    user: { id: USER_ID, email: EMAIL, username: EMAIL.split("@")[0] ?? null, roles: [] },
    profile: { fullName: "Priya Sharma", phone: "+919876543210", locale: "en-IN", timeZone: null },
    shops: [{ id: "3f8a2c6e-1d4b-4e9a-b7c5-0a2e4d6f8b13", name: "Priya's Pottery", role: "owner" }],
  };

  const PROFILE_UPDATE: In<typeof ProfileUpdate> = { timeZone: "Asia/Kolkata" };

  const PROFILE: Out<typeof Profile> = {
    id: USER_ID,
    fullName: "Priya Sharma",
    phone: "+919876543210",
    locale: "en-IN",
    timeZone: "Asia/Kolkata",
    email: EMAIL,
  };

  const PASSWORD = "correct horse battery staple";

  return {
    ...flightExamples(now),
    ...chatExamples(now),
    ...channelExamples(now),
    "POST /api/auth/register": {
      request: { email: EMAIL, password: PASSWORD, fullName: "Priya Sharma" },
      response: SESSION,
    },
    "POST /api/auth/login": { request: { email: EMAIL, password: PASSWORD }, response: SESSION },
    "POST /api/auth/refresh": {
      // A browser extension's; the web app sends no body (the refresh cookie).
      request: { refreshToken: "v2ilj5ffzaxc" },
      response: { ...SESSION, refreshToken: "q3ne6pmfkr7t" },
    },
    "POST /api/auth/oauth/token": {
      request: {
        handoff: "k1.Vm9pZC1leGFtcGxlLWhhbmRvZmYtc2VhbGVkLXZhbHVl",
        codeVerifier: "M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag",
      },
      response: { ...SESSION, refreshToken: "v2ilj5ffzaxc" },
    },
    "POST /api/auth/logout": { request: { scope: "local" } },
    "POST /api/auth/forgot-password": {
      request: { email: EMAIL },
      response: {
        message: "If an account uses this address, a link to reset its password is on its way.",
      },
    },
    "POST /api/auth/reset-password": {
      // The token hash from the link's fragment (`#token=…`).
      request: {
        token: "a3f9c1e07b2d4e8f9c6b5a4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b",
        password: PASSWORD,
      },
      response: SESSION,
    },
    "POST /api/auth/confirm": {
      // token_hash and type from the confirmation link's fragment.
      request: {
        tokenHash: "5e1c9a7b3d2f4e6a8c0b9d7f5e3a1c2b4d6f8e0a9c7b5d3f1e2a4c6b",
        type: "email",
      },
      response: SESSION,
    },
    "GET /api/auth/me": { response: ME },
    "GET /api/auth/oauth/{provider}": {
      parameters: { provider: "google", redirectTo: "/bookings" },
    },

    "PUT /api/admin/session-types/{slug}": {
      parameters: { slug: "individual" },
      request: {
        name: "Individual session",
        description: "A one-to-one session with a practitioner.",
        durationMinutes: 50,
        bufferMinutes: 10,
        requiresConsent: true,
        prices: [
          { currency: "INR", format: "video", amountMinor: 250000 },
          { currency: "USD", format: "video", amountMinor: 6000 },
        ],
      },
    },
    // What a browser's PushSubscription.toJSON() gives (FCM endpoint, P-256 key, auth secret).
    "POST /api/notifications/subscribe": {
      request: {
        endpoint:
          "https://fcm.googleapis.com/fcm/send/dGhpcyBpcyBhIHRva2Vu:APA91bExampleRegistrationToken",
        expirationTime: null,
        keys: {
          p256dh:
            "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
          auth: "tBHItJI5svbpez7KI4CCXg",
        },
      },
    },
    "POST /api/admin/practitioners": {
      request: {
        displayName: "Dr. Meera Iyer",
        timeZone: "Asia/Kolkata",
        hours: [{ weekdays: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" }],
      },
      response: { id: PRACTITIONER_ID },
    },
    "POST /api/admin/practitioners/{id}/time-off": {
      parameters: { id: PRACTITIONER_ID },
      request: {
        from: t.at(t.movedDay, 3, 30),
        to: t.at(t.movedDay, 12, 30),
        reason: "Conference",
      },
    },
    "PATCH /api/admin/practitioners/{id}": {
      parameters: { id: PRACTITIONER_ID },
      request: { hours: [{ weekdays: [1, 3, 5], start: "10:00", end: "18:00" }] },
      response: { id: PRACTITIONER_ID },
    },

    "GET /api/config": {
      response: {
        supabaseUrl: "https://abcdefghijklmnopqrst.supabase.co",
        supabaseAnonKey: "sb_publishable_0a1B2c3D4e5F6g7H8i9J0k_1a2b3c4d",
      },
    },
    "GET /api/services": { response: [INDIVIDUAL, INTRODUCTORY_CALL] },
    "GET /api/availability": { parameters: AVAILABILITY_QUESTION, response: AVAILABILITY },
    "POST /api/availability": { request: AVAILABILITY_QUESTION, response: AVAILABILITY },

    "GET /api/bookings": { parameters: { limit: 20 }, response: BOOKING_LIST },
    "POST /api/bookings": { request: BOOKING_REQUEST, response: BOOKING_CREATED },
    ...withParameters(
      { id: BOOKING_ID },
      {
        "GET /api/bookings/{id}": { response: CONFIRMED_BOOKING },
        "PUT /api/bookings/{id}": { request: BOOKING_CHANGE, response: RESCHEDULED_BOOKING },
        "DELETE /api/bookings/{id}": {
          response: { ...HELD_BOOKING, status: "cancelled", cancellationReason: null },
        },
        "POST /api/bookings/{id}/cancel": { request: CANCELLATION, response: CANCELLED_BOOKING },
        "POST /api/bookings/{id}/confirm": { response: CONFIRMED_BOOKING },
      },
    ),

    "GET /api/consent/versions": { response: [CONSENT_VERSION] },
    "POST /api/consent": { request: CONSENT_REQUEST, response: CONSENT_RECEIPT },
    "GET /api/consent/{id}": { parameters: { id: CONSENT_ID }, response: CONSENT_RECORD },

    "POST /api/payments/create-order": { request: ORDER_REQUEST, response: ORDER },
    "POST /api/payments/verify": { request: VERIFY_REQUEST, response: VERIFICATION },
    "POST /api/payments/create-checkout": { request: CHECKOUT_REQUEST, response: CHECKOUT_CREATED },
    "POST /api/payments/create-intent": { request: INTENT_REQUEST, response: INTENT_CREATED },
    "POST /api/payments/confirm": { request: CONFIRM_REQUEST, response: PAYMENT_CONFIRMATION },
    "POST /api/payments/refund": { request: REFUND_REQUEST, response: REFUND },
    "GET /api/payments/{id}": { parameters: { id: PAYMENT_ID }, response: PAYMENT },

    ...shopExamples(now),
    ...withParameters(
      { shopId: SHOP_ID },
      {
        "POST /api/shops/{shopId}/payments/intent": {
          request: { orderId: SHOP_ORDER_ID } satisfies In<typeof ShopIntentRequest>,
          response: {
            paymentId: SHOP_PAYMENT_ID,
            orderId: SHOP_ORDER_ID,
            provider: "stripe",
            amount: 4599,
            currency: "USD",
            applicationFeeAmount: 114,
            connectedAccount: true,
            clientSecret: `${SHOP_INTENT}_secret_Qa8Zr3Nd6Lm1Xw4Tc7Vb0Hs`,
            paymentIntentId: SHOP_INTENT,
          } satisfies Out<typeof ShopIntentCreated>,
        },
        "POST /api/shops/{shopId}/payments/confirm": {
          request: { paymentIntentId: SHOP_INTENT } satisfies In<typeof ShopConfirmRequest>,
          response: {
            paymentId: SHOP_PAYMENT_ID,
            orderId: SHOP_ORDER_ID,
            status: "captured",
            orderStatus: "processing",
          } satisfies Out<typeof ShopPaymentConfirmation>,
        },
        "GET /api/shops/{shopId}/connect": {
          response: {
            connected: true,
            chargesEnabled: true,
            payoutsEnabled: true,
            detailsSubmitted: true,
          } satisfies Out<typeof ConnectStatus>,
        },
        "POST /api/shops/{shopId}/connect/onboarding": {
          request: { returnPath: "/dashboard/payouts" } satisfies In<typeof OnboardingRequest>,
          response: {
            url: "https://connect.stripe.com/setup/e/acct_1QmShP2eZvKYlo2C/Vd3kR8pQ2sLx",
            expiresAt: t.paymentCreated,
          } satisfies Out<typeof OnboardingLink>,
        },
      },
    ),
    ...withParameters(
      { shopId: SHOP_ID, id: SHOP_PAYMENT_ID },
      {
        "GET /api/shops/{shopId}/payments/{id}": {
          response: {
            id: SHOP_PAYMENT_ID,
            orderId: SHOP_ORDER_ID,
            provider: "stripe",
            status: "partially_refunded",
            amountMinor: 4599,
            currency: "USD",
            refundedMinor: 1200,
            applicationFeeMinor: 114,
            connectedAccount: true,
            createdAt: t.paymentCreated,
            capturedAt: t.paymentCaptured,
          } satisfies Out<typeof ShopPayment>,
        },
        "POST /api/shops/{shopId}/payments/{id}/refund": {
          request: {
            amount: 1200,
            reason: "One item arrived damaged",
          } satisfies In<typeof ShopRefundRequest>,
          response: {
            refundId: REFUND_ID,
            paymentId: SHOP_PAYMENT_ID,
            amountMinor: 1200,
            status: "succeeded",
          },
        },
      },
    ),

    "GET /api/subscriptions": { response: MY_SUBSCRIPTION },
    "POST /api/subscriptions": {
      request: SUBSCRIPTION_CHECKOUT_REQUEST,
      response: SUBSCRIPTION_CHECKOUT,
    },
    "PUT /api/subscriptions": {
      request: TIER_CHANGE,
      response: { ...SUBSCRIPTION, tier: "premium" },
    },
    "DELETE /api/subscriptions": { response: { ...SUBSCRIPTION, cancelAtPeriodEnd: true } },
    "POST /api/subscriptions/portal": { request: PORTAL_REQUEST, response: PORTAL_SESSION },

    "GET /api/sync/pull": { parameters: { since: "12" } },

    "GET /api/users/me": { response: PROFILE },
    "PUT /api/users/me": { request: PROFILE_UPDATE, response: PROFILE },
    "POST /api/analytics/events": {
      request: {
        events: [
          { name: "focus.session_started", day: t.booked.slice(0, 10) },
          { name: "focus.session_completed", day: t.booked.slice(0, 10) },
        ],
      },
      response: { recorded: 2, optedIn: true },
    },
    "GET /api/analytics/summary": {
      response: {
        days: [
          { day: t.booked.slice(0, 10), feature: "focus", tier: "pro", events: 1520, users: 311 },
        ],
      },
    },
    "POST /api/ai/chat": {
      request: {
        messages: [{ role: "user", content: "Can I move my session to next week?" }],
        assistant: "support",
      },
      response: {
        text: "Yes: a confirmed booking can be moved online up to 24 hours before it starts.",
        model: "gpt-4.1-mini",
        provider: "openai",
        finishReason: "stop",
        usage: { inputTokens: 412, outputTokens: 21 },
      },
    },
    "POST /api/ai/generate": {
      request: {
        template: "session_description",
        variables: { sessionName: "Individual therapy", durationMinutes: 50, format: "video" },
      },
      response: {
        template: "session_description",
        text: "A fifty-minute one-to-one video session at your own pace.",
        model: "gpt-4.1-mini",
        provider: "openai",
        finishReason: "stop",
        usage: { inputTokens: 96, outputTokens: 14 },
      },
    },
    "POST /api/ai/analyze": {
      request: { text: "I need to cancel tomorrow's session, please call me back." },
      response: {
        analysis: {
          sentiment: "neutral",
          intent: "cancellation",
          language: "en",
          urgency: "high",
          containsPersonalData: false,
          personalDataKinds: [],
        },
        model: "gpt-4.1-mini",
        provider: "openai",
        usage: { inputTokens: 188, outputTokens: 42 },
      },
    },
    "DELETE /api/users/me": { request: { password: PASSWORD } },
    "POST /api/auth/change-password": {
      request: { currentPassword: PASSWORD, newPassword: "a new and longer passphrase" },
    },

    "GET /api/openapi.json": {
      response: {
        openapi: "3.1.0",
        info: { title: "Bastion API", version: "1a2b3c4" },
        paths: {
          "/api/health": { get: { summary: "Whether the API can reach its database and cache" } },
        },
      },
    },
  };
}
