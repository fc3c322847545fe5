// Starting delivery from a request path without loading it there. Delivery (deliver.ts) brings
// every template's variables schema, the composers and the senders: several hundred zod schemas
// that a route would otherwise build at its cold start, before its first answer. It runs after
// the response (or, for a retry an admin asks for, at the end of the request), so it is loaded
// then, once per instance.
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterResponse } from "../after-response.js";
import type { NotificationsDelivery } from "./deliver.js";

/** Delivers what is due now (deliver.ts deliverNotifications), loading delivery on first use. */
export async function deliverQueued(service: SupabaseClient): Promise<NotificationsDelivery> {
  return (await import("./deliver.js")).deliverNotifications(service);
}

/**
 * For privileged paths (bookings, payments, staff requests, webhooks) whose write may have
 * enqueued a notification (a confirmation, a receipt, a refund): once it succeeded, deliver after
 * the response, in this same function: never by calling the API over HTTP. The database starts a
 * delivery for the same rows too; this one saves its hop and another function's cold start, and
 * keeps delivery immediate where pg_net is not set up.
 */
export async function thenDeliver<T>(service: SupabaseClient, write: Promise<T>): Promise<T> {
  const result = await write;
  afterResponse(() => deliverQueued(service));
  return result;
}
