// What a notification is about, read in one call (notification_delivery_context): the booking,
// payment, refund and account it names, with the booking's personal data still sealed.
import { z } from "zod";
import { serviceClient } from "../../db/service-client.js";

/** Postgres writes timestamps with a +00:00 offset; the templates get them as ISO instants. */
const instant = z.string().transform((text) => new Date(text).toISOString());

const BookingFacts = z.object({
  id: z.uuid(),
  format: z.enum(["video", "in_person"]),
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

const AccountFacts = z.object({ email: z.string().nullable(), full_name: z.string().nullable() });

export const DeliveryContext = z.object({
  booking: BookingFacts.nullable(),
  payment: PaymentFacts.nullable(),
  refund: RefundFacts.nullable(),
  account: AccountFacts.nullable(),
});
export type DeliveryContext = z.infer<typeof DeliveryContext>;
export type BookingFacts = z.infer<typeof BookingFacts>;

export async function deliveryContext(notificationId: string): Promise<DeliveryContext> {
  const { data, error } = await serviceClient().rpc("notification_delivery_context", {
    p_id: notificationId,
  });
  if (error)
    throw new Error(`reading a notification's context failed: ${error.code} ${error.message}`);
  return DeliveryContext.parse(data);
}
