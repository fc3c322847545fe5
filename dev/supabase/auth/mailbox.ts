// Auth emails go to local_stack.mailbox (the part Inbucket/Mailpit plays for `supabase start`).
// Each carries the verify link and the 6-digit code, like GoTrue's default templates, unless the
// project gave the stack a template of its own for the kind (mail-templates.ts): then the body
// is that template filled in, as GoTrue would send it.
import type { Query } from "../database.js";
import { notImplemented } from "./errors.js";
import { type MailTemplate, renderMailTemplate } from "./mail-templates.js";
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
  /** The project's template for this kind of mail, replacing the default subject and body. */
  template?: MailTemplate | undefined;
  /** GoTrue's SITE_URL, for the template's {{ .SiteURL }}. */
  siteUrl?: string | undefined;
}

/** What the stack mailed, for a watcher such as `npm run dev`, which prints each link. */
export interface MailboxEntry {
  to: string;
  subject: string;
  body: string;
}

export async function sendVerificationMail(
  query: Query,
  mail: VerificationMail,
  onMail?: (entry: MailboxEntry) => void,
): Promise<void> {
  const link = new URL(`${mail.authUrl}/verify`);
  link.searchParams.set("token", mail.token.tokenHash);
  link.searchParams.set("type", mail.type);
  if (mail.redirectTo) link.searchParams.set("redirect_to", mail.redirectTo);
  let subject = mail.subject;
  let body = [
    `Follow this link to ${mail.purpose}:`,
    link.href,
    "",
    `Alternatively, enter the code: ${mail.token.code}`,
  ].join("\n");
  if (mail.template) {
    if (mail.siteUrl === undefined && /\.(SiteURL|RedirectTo)\b/.test(mail.template.content)) {
      throw notImplemented("A mail template's {{ .SiteURL }} without the stack's siteUrl");
    }
    const siteUrl = mail.siteUrl ?? "";
    subject = mail.template.subject;
    body = renderMailTemplate(mail.template, {
      SiteURL: siteUrl,
      TokenHash: mail.token.tokenHash,
      Token: mail.token.code,
      ConfirmationURL: link.href,
      RedirectTo: mail.redirectTo ?? siteUrl,
      Email: mail.to,
    });
  }
  await query("insert into local_stack.mailbox (recipient, subject, body) values ($1, $2, $3)", [
    mail.to,
    subject,
    body,
  ]);
  onMail?.({ to: mail.to, subject, body });
}
