// Cal.com's webhook as a WebhookSource (lib/payments/webhooks/receive.ts stores it in the inbox
// once and processes it once; the retry sweep uses this too, lib/payments/webhooks/sources.ts).
// - Signature: X-Cal-Signature-256 is the hex HMAC-SHA256 of the raw body with the webhook's
//   secret (CALCOM_WEBHOOK_SECRET); anything else is refused with 400 before anything is stored.
// - Id: Cal.com sends no event id, so the inbox keys a delivery by the SHA-256 of its signed body:
//   Cal.com's retry of the same delivery is the same bytes, and is found and answered 200.
// - Kept: only what processing reads (the trigger, the booking uids, the new start, a
//   cancellation reason cut short); the attendees' names and emails never reach the database.
// - Handled: BOOKING_CANCELLED cancels our booking linked to that uid (as staff would: a
//   confirmed booking's price becomes due back), BOOKING_RESCHEDULED moves ours to the new start
//   and follows the new uid. Both record the change on the link first, so the sync sends nothing
//   back to Cal.com. Any other trigger, or a booking that is not ours, is stored and answered 200.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { requireConfig } from "../../env.js";
import type { WebhookEvent } from "../../payments/webhooks/inbox.js";
import type { WebhookSource } from "../../payments/webhooks/receive.js";

const CalcomDelivery = z.object({
  triggerEvent: z.string().max(100),
  payload: z
    .object({
      uid: z.string().max(200).optional().catch(undefined),
      rescheduleUid: z.string().max(200).optional().catch(undefined),
      fromReschedule: z.string().max(200).optional().catch(undefined),
      rescheduledFromUid: z.string().max(200).optional().catch(undefined),
      bookingId: z.number().int().optional().catch(undefined),
      startTime: z.string().max(60).optional().catch(undefined),
      cancellationReason: z.string().optional().catch(undefined),
    })
    .catch({}),
});

/** What the inbox keeps. */
const Kept = z.object({
  uid: z.string().nullable(),
  previousUid: z.string().nullable(),
  calcomId: z.number().int().nullable(),
  start: z.string().nullable(),
  reason: z.string().nullable(),
});
type Kept = z.infer<typeof Kept>;

export function calcomSignature(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("hex");
}

function signatureMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given.trim().toLowerCase());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function calcomWebhookSource(): WebhookSource {
  return {
    provider: "calcom",
    async verify(rawBody, headers): Promise<WebhookEvent | undefined> {
      const { CALCOM_WEBHOOK_SECRET } = requireConfig("Cal.com webhooks", "CALCOM_WEBHOOK_SECRET");
      const expected = calcomSignature(rawBody, CALCOM_WEBHOOK_SECRET);
      if (!signatureMatches(headers.get("x-cal-signature-256"), expected)) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        return undefined;
      }
      const delivery = CalcomDelivery.safeParse(parsed);
      if (!delivery.success) return undefined;
      const { triggerEvent, payload } = delivery.data;
      const kept: Kept = {
        uid: payload.uid ?? null,
        previousUid:
          payload.rescheduleUid ?? payload.rescheduledFromUid ?? payload.fromReschedule ?? null,
        calcomId: payload.bookingId ?? null,
        start: payload.startTime ?? null,
        reason: payload.cancellationReason?.slice(0, 200) ?? null,
      };
      return {
        id: `calcom:${createHash("sha256").update(rawBody).digest("hex")}`,
        type: triggerEvent,
        payload: kept,
      };
    },
    async handle(event, service) {
      const kept = Kept.parse(event.payload);
      if (event.type === "BOOKING_CANCELLED") return cancelled(service, kept);
      if (event.type === "BOOKING_RESCHEDULED") return rescheduled(service, kept);
      return "ignored: unhandled type";
    },
  };
}

async function cancelled(service: SupabaseClient, kept: Kept): Promise<string> {
  if (kept.uid === null) return "ignored: no booking uid";
  const { data, error } = await service.rpc("calcom_apply_cancelled", {
    p_uid: kept.uid,
    p_reason: kept.reason ? `Cancelled on Cal.com: ${kept.reason}` : "Cancelled on Cal.com",
  });
  if (error) throw new Error(`applying a Cal.com cancellation failed: ${error.code}`);
  return z.string().parse(data);
}

async function rescheduled(service: SupabaseClient, kept: Kept): Promise<string> {
  if (kept.uid === null || kept.start === null || Number.isNaN(Date.parse(kept.start))) {
    return "ignored: no booking uid or start";
  }
  const { data, error } = await service.rpc("calcom_apply_rescheduled", {
    p_old_uid: kept.previousUid ?? kept.uid,
    p_new_uid: kept.uid,
    p_new_id: kept.calcomId,
    p_start: new Date(kept.start).toISOString(),
  });
  if (error) throw new Error(`applying a Cal.com reschedule failed: ${error.code}`);
  return z.string().parse(data);
}
