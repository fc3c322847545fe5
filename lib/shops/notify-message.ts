// Composing the commerce emails at delivery (templates in lib/shops/emails.ts, rows enqueued by
// the triggers of supabase/migrations/20261121001900_shops.sql): what they are about is read
// now, the customer's address opened from the order only for as long as one send takes.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { openPersonalData } from "../crypto/personal-data.js";
import { appUrl } from "../env.js";
import { type ComposedMessage, Undeliverable } from "../notify/outbox/compose.js";
import { deliveryContext } from "../notify/outbox/delivery-context.js";
import type { NotificationRow } from "../notify/outbox/outbox-rows.js";
import { SHOP_SEALED } from "./sealed-contexts.js";

const OrderFacts = z.object({
  id: z.uuid(),
  shop_id: z.uuid(),
  customer_name_sealed: z.string(),
  customer_email_sealed: z.string(),
  total_minor: z.coerce.number(),
  currency: z.string(),
  status: z.string(),
  shops: z.object({ name: z.string() }),
  order_items: z.array(z.object({ name: z.string(), quantity: z.coerce.number() })),
});

async function readOrder(service: SupabaseClient, orderId: unknown) {
  const { data, error } = await service
    .from("orders")
    .select(
      "id, shop_id, customer_name_sealed, customer_email_sealed, total_minor, currency, status, shops(name), order_items(name, quantity)",
    )
    .eq("id", z.uuid().parse(orderId))
    .maybeSingle();
  if (error) throw new Error(`reading an order failed: ${error.code} ${error.message}`);
  if (data === null) throw new Undeliverable("the order is gone");
  return OrderFacts.parse(data);
}

async function memberAddress(service: SupabaseClient, row: NotificationRow): Promise<string> {
  const to = (await deliveryContext(service, row.id)).account?.email ?? undefined;
  if (to === undefined) throw new Undeliverable("no recipient");
  return to;
}

export async function composeShopMessage(
  service: SupabaseClient,
  row: NotificationRow,
): Promise<ComposedMessage> {
  switch (row.template) {
    case "shop_order_received": {
      const order = await readOrder(service, row.data.order_id);
      return {
        template: "shop_order_received",
        to: await memberAddress(service, row),
        variables: {
          shopName: order.shops.name,
          customerName: openPersonalData(order.customer_name_sealed, SHOP_SEALED.customerName),
          orderId: order.id,
          items: order.order_items,
          totalMinor: order.total_minor,
          currency: order.currency,
          orderUrl: `${appUrl()}/shops/${order.shop_id}/orders/${order.id}`,
        },
      };
    }
    case "shop_contact_received": {
      const { data, error } = await service
        .from("form_submissions")
        .select("shop_id, answers_sealed, shops(name), forms(name)")
        .eq("id", z.uuid().parse(row.data.submission_id))
        .maybeSingle();
      if (error) throw new Error(`reading a submission failed: ${error.code} ${error.message}`);
      if (data === null) throw new Undeliverable("the submission is gone");
      const submission = z
        .object({
          shop_id: z.uuid(),
          answers_sealed: z.string(),
          shops: z.object({ name: z.string() }),
          forms: z.object({ name: z.string() }).nullable(),
        })
        .parse(data);
      return {
        template: "shop_contact_received",
        to: await memberAddress(service, row),
        variables: {
          shopName: submission.shops.name,
          customerName: z
            .object({ name: z.string() })
            .parse(JSON.parse(openPersonalData(submission.answers_sealed, SHOP_SEALED.answers)))
            .name,
          formName: submission.forms?.name ?? "a contact form",
          submissionsUrl: `${appUrl()}/shops/${submission.shop_id}`,
        },
      };
    }
    case "shop_order_confirmation":
    case "shop_order_status": {
      const order = await readOrder(service, row.data.order_id);
      const common = {
        shopName: order.shops.name,
        customerName: openPersonalData(order.customer_name_sealed, SHOP_SEALED.customerName),
        orderId: order.id,
      };
      const to = openPersonalData(order.customer_email_sealed, SHOP_SEALED.customerEmail);
      return row.template === "shop_order_confirmation"
        ? {
            template: "shop_order_confirmation",
            to,
            variables: {
              ...common,
              items: order.order_items,
              totalMinor: order.total_minor,
              currency: order.currency,
            },
          }
        : {
            template: "shop_order_status",
            to,
            variables: { ...common, status: row.data.status },
          };
    }
    case "shop_invitation": {
      const { data, error } = await service
        .from("shop_invitations")
        .select("id, shop_id, email_sealed, role, expires_at, accepted_at, shops(name)")
        .eq("id", z.uuid().parse(row.data.invitation_id))
        .maybeSingle();
      if (error) throw new Error(`reading an invitation failed: ${error.code} ${error.message}`);
      if (data === null) throw new Undeliverable("the invitation is gone");
      const invitation = z
        .object({
          id: z.uuid(),
          shop_id: z.uuid(),
          email_sealed: z.string(),
          role: z.enum(["admin", "agent"]),
          expires_at: z.string(),
          accepted_at: z.string().nullable(),
          shops: z.object({ name: z.string() }),
        })
        .parse(data);
      if (invitation.accepted_at !== null) throw new Undeliverable("already accepted");
      return {
        template: "shop_invitation",
        to: openPersonalData(invitation.email_sealed, SHOP_SEALED.invitationEmail),
        variables: {
          shopName: invitation.shops.name,
          role: invitation.role,
          expiresAt: new Date(invitation.expires_at).toISOString(),
          acceptUrl: `${appUrl()}/shops/${invitation.shop_id}/invitations/${invitation.id}`,
        },
      };
    }
    default:
      throw new Undeliverable(`the outbox does not deliver ${row.template}`);
  }
}
