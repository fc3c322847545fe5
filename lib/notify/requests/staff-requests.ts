// The three staff endpoints (POST /api/notifications/email, /sms, /batch) as one request each:
// their bodies made into orders, queued by requestNotifications, and delivered right after the
// response, in this same function (the endpoints are privileged for that).
import type { SupabaseClient } from "@supabase/supabase-js";
import type { Caller } from "../../auth/caller.js";
import { thenDeliver } from "../outbox/then-deliver.js";
import {
  type Channel,
  type NotificationBatch,
  type NotificationRequest,
  NotificationsAccepted,
} from "./notification-request.js";
import { type NotificationOrder, requestNotifications } from "./request-notifications.js";

/** What the staff endpoints' specs share: staff only, 202 with the ids, an Idempotency-Key. */
export const STAFF_NOTIFICATION_REQUEST = {
  tags: ["notifications"],
  auth: ["staff"] as const,
  privileged: { ledgerStep: "delivers the queued message after the response, from the outbox" },
  response: NotificationsAccepted,
  status: 202 as const,
  idempotency: "required" as const,
};

export interface StaffRequest {
  caller: Caller;
  /** The request's Idempotency-Key, which the endpoints require. */
  idempotencyKey: string;
  /** The caller's own client: row-level security decides which bookings they reach. */
  db: SupabaseClient;
  /** The service client, for delivering what was queued after the response. */
  service: SupabaseClient;
}

/**
 * `smsCounted`: "per request" when the endpoint's own limit already counted the request's one
 * SMS (POST /api/notifications/sms), "per message" when each SMS among the orders counts here.
 */
function queue(
  staff: StaffRequest,
  orders: NotificationOrder[],
  locale: string | undefined,
  smsCounted: "per request" | "per message",
): Promise<NotificationsAccepted> {
  return thenDeliver(
    staff.service,
    requestNotifications(
      {
        db: staff.db,
        caller: staff.caller,
        idempotencyKey: staff.idempotencyKey,
        ...(smsCounted === "per request" && { smsCountedPerRequest: true as const }),
      },
      orders,
      locale,
    ),
  );
}

/** One template about one booking, on one channel (the SMS endpoint's spec counts the request). */
export function requestOne(
  staff: StaffRequest,
  channel: Channel,
  body: NotificationRequest,
): Promise<NotificationsAccepted> {
  const order = { channel, template: body.template, bookingId: body.bookingId, field: "bookingId" };
  return queue(staff, [order], body.locale, channel === "sms" ? "per request" : "per message");
}

/** Several at once; every SMS among them counts against the caller's SMS limit. */
export function requestBatch(
  staff: StaffRequest,
  body: NotificationBatch,
): Promise<NotificationsAccepted> {
  const orders = body.notifications.map((notification, index) => ({
    ...notification,
    field: `notifications.${index}.bookingId`,
  }));
  return queue(staff, orders, body.locale, "per message");
}
