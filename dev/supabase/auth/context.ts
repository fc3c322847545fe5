// What every Auth endpoint is handed: the database, the signing key and the API's settings.
import type { Database } from "../database.js";
import type { MailTemplates } from "./mail-templates.js";
import type { MailboxEntry } from "./mailbox.js";
import type { TokenIssuer } from "./sessions.js";

export interface AuthContext extends TokenIssuer {
  db: Database;
  refreshTokenReuseIntervalSeconds: number;
  /** Sign-ups wait for the mailed confirmation link (GoTrue's mailer autoconfirm off). */
  emailConfirmations: boolean;
  /** GoTrue's SITE_URL, when the stack was given one. */
  siteUrl: () => string | undefined;
  mailTemplates: MailTemplates;
  /** Told of every mail put in the local mailbox. */
  onMail: ((entry: MailboxEntry) => void) | undefined;
}

/** An endpoint; params are the path's captured segments (such as a user id). */
export type Endpoint = (
  request: Request,
  context: AuthContext,
  params: readonly string[],
) => Promise<Response>;
