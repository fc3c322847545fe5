// Auth mail templates, as GoTrue fills them in (a Supabase project's Authentication → Email
// Templates; supabase/config.toml's [auth.email.template.<kind>] content_path). A template is the
// mail's HTML with Go template actions that name a variable — {{ .SiteURL }}, {{ .TokenHash }},
// {{ .Token }}, {{ .ConfirmationURL }}, {{ .RedirectTo }}, {{ .Email }} — and nothing else: an
// action the local stack does not fill in (a condition, {{ .Data.name }}) is refused when the
// stack starts, never sent half-filled.
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export interface MailTemplate {
  subject: string;
  /** The mail's body, with the template's variables. */
  content: string;
}

/** The kinds of mail a project may give a template of its own; the rest use GoTrue's default. */
export interface MailTemplates {
  /** Confirm signup: the mail a new address gets with email confirmation on. */
  confirmation?: MailTemplate | undefined;
}

export interface MailValues {
  SiteURL: string;
  TokenHash: string;
  Token: string;
  ConfirmationURL: string;
  RedirectTo: string;
  Email: string;
}

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;
const VARIABLE = /^\.(SiteURL|TokenHash|Token|ConfirmationURL|RedirectTo|Email)$/;

/** Throws, naming it, on an action this stand-in does not fill in. */
export function checkMailTemplate(name: string, template: MailTemplate): void {
  for (const [, action] of template.content.matchAll(ACTION)) {
    if (!VARIABLE.test(action ?? "")) {
      throw new Error(
        `The local Auth API fills in only {{ .SiteURL }}, {{ .TokenHash }}, {{ .Token }}, {{ .ConfirmationURL }}, {{ .RedirectTo }} and {{ .Email }}; the ${name} template has {{ ${action} }}`,
      );
    }
  }
}

export function renderMailTemplate(template: MailTemplate, values: MailValues): string {
  return template.content.replace(ACTION, (_, action: string) => {
    const name = VARIABLE.exec(action)?.[1] as keyof MailValues;
    return escapeHtml(values[name]);
  });
}

/** html/template escapes what it fills in; the values here are URLs, hex and addresses. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The project's own templates, the files supabase/config.toml names (and the README says to
 * paste into a hosted project's Email Templates), so the local stack mails what a real one would.
 */
export const PROJECT_MAIL_TEMPLATES = {
  confirmation: {
    subject: "Confirm your email address",
    contentPath: "supabase/templates/confirmation.html",
  },
} as const;

export async function projectMailTemplates(rootDir: string): Promise<MailTemplates> {
  const { subject, contentPath } = PROJECT_MAIL_TEMPLATES.confirmation;
  return { confirmation: { subject, content: await readFile(join(rootDir, contentPath), "utf8") } };
}
