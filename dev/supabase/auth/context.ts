// What every Auth endpoint is handed: the database, the signing key and the API's settings.
import type { Database } from "../database.js";
import type { TokenIssuer } from "./sessions.js";

export interface AuthContext extends TokenIssuer {
  db: Database;
  refreshTokenReuseIntervalSeconds: number;
  /** Sign-ups wait for the mailed confirmation link (GoTrue's mailer autoconfirm off). */
  emailConfirmations: boolean;
}

/** An endpoint; params are the path's captured segments (such as a user id). */
export type Endpoint = (
  request: Request,
  context: AuthContext,
  params: readonly string[],
) => Promise<Response>;
