// The commerce emails (issue 20, item 6), sent through the outbox like every other message:
// - shop_order_received / shop_contact_received: to each owner and admin of the shop (rows name
//   the member as user_id, so the address is their sign-in email, read at delivery);
// - shop_order_confirmation / shop_order_status: to the customer, whose email is opened from the
//   order at delivery (the outbox row holds only ids and a status).
// English, as the operations alert is; nothing personal about the customer goes to the team's
// email beyond what the dashboard shows them (the order's total and items, the customer's name).

import * as z from "zod";
import { formatMoney } from "../catalogue/money.js";
import { renderEmail } from "../notify/templates/email-layout.js";
import { smsBody } from "../notify/templates/sms.js";
import { defineTemplate } from "../notify/templates/template.js";
import { httpLink, instant, line, personName } from "../notify/templates/variables.js";

const Money = z.object({
  totalMinor: z.number().int().min(0).describe("The order's total in minor units"),
  currency: line(3).describe("ISO 4217"),
});
const Items = z
  .array(
    z.object({
      name: line(200).describe("The product's name when ordered"),
      quantity: z.number().int().min(1).describe("How many"),
    }),
  )
  .max(50)
  .describe("What was ordered");

function itemLines(items: { name: string; quantity: number }[]): string {
  return items.map((item) => `${item.quantity} × ${item.name}`).join(", ");
}

export const shopOrderReceived = defineTemplate({
  description: "Sent to a shop's owners and admins when a customer places an order.",
  variables: z.strictObject({
    shopName: line(120).describe("The shop's name"),
    customerName: line(200).describe("The customer's name, as they gave it"),
    orderId: z.uuid().describe("The order's id"),
    items: Items,
    ...Money.shape,
    orderUrl: httpLink().describe("Where the team opens the order"),
  }),
  render(v, resolved) {
    const subject = `New order at ${v.shopName}: ${formatMoney(v.totalMinor, v.currency)}`;
    const rendered = renderEmail(
      {
        subject,
        preheader: subject,
        heading: "New order",
        paragraphs: [`${v.customerName} ordered ${itemLines(v.items)}.`],
        details: [
          ["Total", formatMoney(v.totalMinor, v.currency)],
          ["Order", v.orderId],
        ],
        action: {
          label: "Open the order",
          url: v.orderUrl,
          hint: resolved.messages.common.linkHint,
        },
        closing: [],
        footer: `${v.shopName} team notifications.`,
      },
      "en",
    );
    return { ...rendered, sms: smsBody(subject, v.orderUrl) };
  },
});

export const shopContactReceived = defineTemplate({
  description: "Sent to a shop's owners and admins when someone submits a contact form.",
  variables: z.strictObject({
    shopName: line(120).describe("The shop's name"),
    customerName: line(200).describe("The customer's name, as they gave it"),
    formName: line(200).describe("The contact form's name"),
    submissionsUrl: httpLink().describe("Where the team reads the message"),
  }),
  render(v, resolved) {
    const subject = `New message through ${v.formName} at ${v.shopName}`;
    const rendered = renderEmail(
      {
        subject,
        preheader: subject,
        heading: "New contact message",
        paragraphs: [`${v.customerName} sent the shop a message. Read it in the dashboard.`],
        details: [["Form", v.formName]],
        action: {
          label: "Open the dashboard",
          url: v.submissionsUrl,
          hint: resolved.messages.common.linkHint,
        },
        closing: [],
        footer: `${v.shopName} team notifications.`,
      },
      "en",
    );
    return { ...rendered, sms: smsBody(subject, v.submissionsUrl) };
  },
});

export const shopOrderConfirmation = defineTemplate({
  description: "Sent to the customer when their order is placed.",
  variables: z.strictObject({
    shopName: line(120).describe("The shop's name"),
    customerName: line(200).describe("The customer's name, as they gave it"),
    orderId: z.uuid().describe("The order's id"),
    items: Items,
    ...Money.shape,
  }),
  render(v) {
    const subject = `Your order at ${v.shopName}`;
    const rendered = renderEmail(
      {
        subject,
        preheader: `We received your order: ${itemLines(v.items)}`,
        heading: `Thank you, ${v.customerName}`,
        paragraphs: [`${v.shopName} received your order: ${itemLines(v.items)}.`],
        details: [
          ["Total", formatMoney(v.totalMinor, v.currency)],
          ["Order", v.orderId],
        ],
        closing: ["You will get an email when its status changes."],
        footer: `Sent by ${v.shopName} because you ordered through its form.`,
      },
      "en",
    );
    return { ...rendered, sms: smsBody(subject) };
  },
});

const STATUS_WORDS = {
  processing: "is being prepared",
  completed: "is complete",
  cancelled: "was cancelled",
} as const;

export const shopOrderStatus = defineTemplate({
  description: "Sent to the customer when their order moves to processing, completed or cancelled.",
  variables: z.strictObject({
    shopName: line(120).describe("The shop's name"),
    customerName: line(200).describe("The customer's name, as they gave it"),
    orderId: z.uuid().describe("The order's id"),
    status: z.enum(["processing", "completed", "cancelled"]).describe("The order's new status"),
  }),
  render(v) {
    const subject = `Your order at ${v.shopName} ${STATUS_WORDS[v.status]}`;
    const rendered = renderEmail(
      {
        subject,
        preheader: subject,
        heading: `Your order ${STATUS_WORDS[v.status]}`,
        paragraphs: [
          `Hello ${v.customerName}, your order at ${v.shopName} ${STATUS_WORDS[v.status]}.`,
        ],
        details: [["Order", v.orderId]],
        closing: [],
        footer: `Sent by ${v.shopName} because you ordered through its form.`,
      },
      "en",
    );
    return { ...rendered, sms: smsBody(subject) };
  },
});

export const shopInvitation = defineTemplate({
  description: "Sent to someone a shop's owner invites to the team.",
  variables: z.strictObject({
    name: personName().optional().describe("The invitee's name, when the owner gave it"),
    shopName: line(120).describe("The shop's name"),
    role: z.enum(["admin", "agent"]).describe("The role offered"),
    expiresAt: instant().describe("When the invitation expires"),
    acceptUrl: httpLink().describe("Where the invitee signs in and accepts"),
  }),
  render(v, resolved) {
    const subject = `You are invited to join ${v.shopName} as ${v.role}`;
    const rendered = renderEmail(
      {
        subject,
        preheader: subject,
        heading: v.name === undefined ? `Join ${v.shopName}` : `${v.name}, join ${v.shopName}`,
        paragraphs: [
          `The owner of ${v.shopName} invited you to its team as ${v.role}. Sign in with this email address to accept.`,
        ],
        details: [["Expires", v.expiresAt]],
        action: {
          label: "Accept the invitation",
          url: v.acceptUrl,
          hint: resolved.messages.common.linkHint,
        },
        closing: ["If you did not expect this, ignore this email."],
        footer: `${v.shopName} team invitations.`,
      },
      "en",
    );
    return { ...rendered, sms: smsBody(subject, v.acceptUrl) };
  },
});
