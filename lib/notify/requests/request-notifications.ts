// Enqueues the notifications staff asked for, after the SMS abuse controls: every number is
// checked first (400 for a malformed number or a country we do not text, before any limit is
// counted), then each message counts against the per-caller and per-destination SMS limits
// (429, or 503 when the limiter is unreachable: both policies fail closed), and only then is
// anything written — all of it in one transaction, keyed by the request's Idempotency-Key so a
// retry answers the same ids and sends nothing twice.
import { createHash } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../../auth/caller.js";
import { parseIdempotencyKey } from "../../idempotency/idempotency-key.js";
import { enforceRateLimit } from "../../limits/limiter.js";
import { throwNotificationError } from "./notification-errors.js";
import type {
  Channel,
  NotificationsAccepted,
  RequestableTemplate,
} from "./notification-request.js";
import { smsNumbers } from "./sms-recipients.js";

export interface NotificationOrder {
  channel: Channel;
  template: RequestableTemplate;
  bookingId: string;
  /** The request field naming the booking, for a 400's errors. */
  field: string;
}

export interface NotificationRequestContext {
  db: SupabaseClient;
  caller: Caller;
  /** The request's Idempotency-Key header (the pipeline has made sure there is one). */
  idempotencyKey: string;
  /**
   * The endpoint's spec already counted this request against the per-caller `sms` policy (POST
   * /api/notifications/sms); otherwise every SMS in the request counts (a batch).
   */
  smsCountedPerRequest?: true;
}

export async function requestNotifications(
  context: NotificationRequestContext,
  orders: NotificationOrder[],
  locale: string | undefined,
): Promise<NotificationsAccepted> {
  const texts = orders.filter((order) => order.channel === "sms");
  if (texts.length > 0) {
    const numbers = await smsNumbers(context.db, texts);
    for (const number of numbers) {
      if (!context.smsCountedPerRequest) {
        // The same key the pipeline uses for `user` policies, so both count in one bucket.
        await enforceRateLimit("sms", `user:${context.caller.userId}`);
      }
      await enforceRateLimit("sms_destination", number);
    }
  }
  const { data, error } = await context.db.rpc("request_notifications", {
    p_requests: orders.map((order) => ({
      channel: order.channel,
      template: order.template,
      booking_id: order.bookingId,
    })),
    // Hashed: the key is the client's and may be long; the hash is fixed-length and opaque.
    p_request_key: createHash("sha256")
      .update(parseIdempotencyKey(context.idempotencyKey))
      .digest("hex"),
    p_locale: locale ?? "en",
  });
  if (error) throwNotificationError(error, "requesting notifications");
  return { notificationIds: z.array(z.uuid()).parse(data) };
}
