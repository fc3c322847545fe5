// The personal-data contexts commerce seals under (lib/crypto/personal-data.ts): a value sealed
// for one column does not open as another.
export const SHOP_SEALED = {
  customerName: "orders.customer_name",
  customerEmail: "orders.customer_email",
  customerPhone: "orders.customer_phone",
  /** The lookup hash of a customer's email (orders.customer_email_hash). */
  customerEmailHash: "orders.customer_email",
  answers: "form_submissions.answers",
  invitationEmail: "shop_invitations.email",
  /** The lookup hash of an invitee's email; the accepting caller's verified email must match it. */
  invitationEmailHash: "shop_invitations.email",
} as const;
