// What a notification is about, read in one call (notification_delivery_context): the booking,
// payment, refund and account it names, with the booking's personal data still sealed.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { PROFILE_SEALED_COLUMNS } from "../../accounts/sealed-columns.js";
import { openPersonalData } from "../../crypto/personal-data.js";

/** Postgres writes timestamps with a +00:00 offset; the templates get them as ISO instants. */
const instant = z.string().transform((text) => new Date(text).toISOString());

const BookingFacts = z.object({
  id: z.uuid(),
  format: z.enum(["video", "in_person", "chat", "audio", "call"]),
  starts_at: instant,
  ends_at: instant,
  updated_at: instant,
  customer_name_sealed: z.string().nullable(),
  customer_email_sealed: z.string().nullable(),
  customer_phone_sealed: z.string().nullable(),
  session_type_name: z.string(),
  time_zone: z.string(),
});

const PaymentFacts = z.object({
  id: z.uuid(),
  amount_minor: z.coerce.number().int(),
  currency: z.string(),
  captured_at: instant,
  session_type_name: z.string(),
});

const RefundFacts = z.object({
  id: z.uuid(),
  amount_minor: z.coerce.number().int(),
  currency: z.string(),
});

/** The account's name is sealed in its profile (lib/accounts/sealed-columns.ts); opened here. */
const AccountFacts = z
  .object({ email: z.string().nullable(), full_name_sealed: z.string().nullable() })
  .transform(({ email, full_name_sealed }) => ({
    email,
    full_name:
      full_name_sealed === null
        ? null
        : openPersonalData(full_name_sealed, PROFILE_SEALED_COLUMNS.full_name_sealed),
  }));

export const DeliveryContext = z.object({
  booking: BookingFacts.nullable(),
  payment: PaymentFacts.nullable(),
  refund: RefundFacts.nullable(),
  account: AccountFacts.nullable(),
});
export type DeliveryContext = z.infer<typeof DeliveryContext>;
export type BookingFacts = z.infer<typeof BookingFacts>;

export async function deliveryContext(
  service: SupabaseClient,
  notificationId: string,
): Promise<DeliveryContext> {
  const { data, error } = await service.rpc("notification_delivery_context", {
    p_id: notificationId,
  });
  if (error)
    throw new Error(`reading a notification's context failed: ${error.code} ${error.message}`);
  return DeliveryContext.parse(data);
}
