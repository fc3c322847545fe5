// Storing a member's Web Push subscription: the browser's PushSubscription.toJSON() as it comes
// ({endpoint, expirationTime, keys: {p256dh, auth}}), kept in public.push_subscriptions under the
// caller's own id (RLS: db.user). Subscribing again from the same browser refreshes the keys.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { requireVapidConfig } from "./config.js";
import { isPushServiceEndpoint } from "./services.js";

const Endpoint = z
  .string()
  .max(1024)
  .refine(isPushServiceEndpoint, "The endpoint of a browser push service, over https");

export const PushSubscriptionBody = z.strictObject({
  endpoint: Endpoint,
  /** Milliseconds since the epoch, or null (what browsers send). */
  expirationTime: z.number().int().positive().nullable().optional(),
  keys: z.strictObject({
    /** The browser's P-256 public key (65 bytes), base64url. */
    p256dh: z.string().regex(/^[A-Za-z0-9_-]{86,88}={0,2}$/),
    /** The browser's 16-byte auth secret, base64url. */
    auth: z.string().regex(/^[A-Za-z0-9_-]{22,24}={0,2}$/),
  }),
});
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBody>;

export const UnsubscribeBody = z.strictObject({ endpoint: z.string().max(1024) });

export const Subscribed = z.strictObject({
  subscribed: z.literal(true),
  /** The VAPID public key the subscription must use (applicationServerKey). */
  vapidPublicKey: z.string(),
});
export const Unsubscribed = z.strictObject({
  /** False when this account had no subscription with that endpoint. */
  unsubscribed: z.boolean(),
});
export const VapidKey = z.strictObject({ vapidPublicKey: z.string() });

export function vapidPublicKey(): z.infer<typeof VapidKey> {
  return { vapidPublicKey: requireVapidConfig().publicKey };
}

export async function subscribe(
  user: SupabaseClient,
  caller: Caller,
  body: PushSubscriptionBody,
): Promise<z.infer<typeof Subscribed>> {
  const config = requireVapidConfig();
  const { error } = await user.from("push_subscriptions").upsert(
    {
      user_id: caller.userId,
      endpoint: body.endpoint,
      p256dh: body.keys.p256dh,
      auth: body.keys.auth,
      expiration_time:
        body.expirationTime === undefined || body.expirationTime === null
          ? null
          : new Date(body.expirationTime).toISOString(),
    },
    { onConflict: "user_id,endpoint" },
  );
  if (error) throw new Error(`storing a push subscription failed: ${error.code} ${error.message}`);
  return { subscribed: true, vapidPublicKey: config.publicKey };
}

export async function unsubscribe(
  user: SupabaseClient,
  caller: Caller,
  endpoint: string,
): Promise<z.infer<typeof Unsubscribed>> {
  const { data, error } = await user
    .from("push_subscriptions")
    .delete()
    .eq("user_id", caller.userId)
    .eq("endpoint", endpoint)
    .select("id");
  if (error) throw new Error(`removing a push subscription failed: ${error.code} ${error.message}`);
  return { unsubscribed: (data ?? []).length > 0 };
}
