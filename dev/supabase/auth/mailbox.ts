// Auth emails go to local_stack.mailbox (the part Inbucket/Mailpit plays for `supabase start`).
// Each carries the verify link and the 6-digit code, like GoTrue's default templates.
import type { Query } from "../database.js";
import type { IssuedToken } from "./one-time-tokens.js";

export interface VerificationMail {
  to: string;
  subject: string;
  /** What the link confirms, for the sentence in the body. */
  purpose: string;
  /** The /verify type the link and code are for. */
  type: "signup" | "recovery" | "email_change";
  token: IssuedToken;
  /** ${publicUrl}/auth/v1 */
  authUrl: string;
  redirectTo: string | undefined;
}

export async function sendVerificationMail(query: Query, mail: VerificationMail): Promise<void> {
  const link = new URL(`${mail.authUrl}/verify`);
  link.searchParams.set("token", mail.token.tokenHash);
  link.searchParams.set("type", mail.type);
  if (mail.redirectTo) link.searchParams.set("redirect_to", mail.redirectTo);
  const body = [
    `Follow this link to ${mail.purpose}:`,
    link.href,
    "",
    `Alternatively, enter the code: ${mail.token.code}`,
  ].join("\n");
  await query("insert into local_stack.mailbox (recipient, subject, body) values ($1, $2, $3)", [
    mail.to,
    mail.subject,
    body,
  ]);
}
