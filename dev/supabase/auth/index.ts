// The local stack's /auth/v1: a GoTrue subset over auth.* in the stack's Postgres, signing access
// tokens with the stack's ES256 key. Routes are in routes.ts, one endpoint per file in endpoints/.
import type { Database } from "../database.js";
import type { SigningKeys } from "../keys.js";
import type { AuthContext } from "./context.js";
import {
  API_VERSION_2024,
  API_VERSION_HEADER,
  AuthError,
  errorResponse,
  notFound,
  requestsApiVersion2024,
} from "./errors.js";
import { checkMailTemplate, type MailTemplates } from "./mail-templates.js";
import type { MailboxEntry } from "./mailbox.js";
import { ROUTES } from "./routes.js";

/** GoTrue configuration the local stack lets callers choose. */
export interface AuthSettings {
  /**
   * Seconds a rotated refresh token may still be exchanged (GoTrue's
   * refresh_token_reuse_interval; the Supabase CLI's default is 10). Tests set 0 to see reuse
   * detection without waiting.
   */
  refreshTokenReuseIntervalSeconds?: number | undefined;
  /**
   * Email confirmation (supabase/config.toml's [auth.email] enable_confirmations; on by default
   * in a Supabase project, off in `supabase start` and here): a sign-up answers a user with no
   * session and mails a confirmation link to local_stack.mailbox, and an address that already
   * has an account gets GoTrue's made-up user instead of an error (endpoints/signup.ts).
   * `npm run dev` turns it on with LOCAL_AUTH_EMAIL_CONFIRMATIONS=1.
   */
  emailConfirmations?: boolean | undefined;
  /**
   * GoTrue's SITE_URL (config.toml's [auth] site_url; a project's Site URL): `{{ .SiteURL }}` in
   * mail templates, and where a verify link without redirect_to lands. A function when it is
   * known only later (a test's API address). Unset, such a link answers 501.
   */
  siteUrl?: string | (() => string) | undefined;
  /**
   * The project's own mail templates (mail-templates.ts); a kind without one gets GoTrue's
   * default, a link to /auth/v1/verify.
   */
  mailTemplates?: MailTemplates | undefined;
  /** Told of every mail put in local_stack.mailbox (`npm run dev` prints its link). */
  onMail?: ((entry: MailboxEntry) => void) | undefined;
}

export interface AuthApiOptions extends AuthSettings {
  db: Database;
  keys: SigningKeys;
  /** The stack's URL, known once the server listens; the tokens' issuer is derived from it. */
  publicUrl: () => string;
}

/** Answers a request whose path below /auth/v1/ is `path` (such as "token" or "user"). */
export type AuthApi = (request: Request, path: string) => Promise<Response>;

const DEFAULT_REUSE_INTERVAL_SECONDS = 10;

export function createAuthApi(options: AuthApiOptions): AuthApi {
  const mailTemplates = options.mailTemplates ?? {};
  for (const [name, template] of Object.entries(mailTemplates)) {
    if (template) checkMailTemplate(name, template);
  }
  const { siteUrl } = options;
  const context: AuthContext = {
    db: options.db,
    keys: options.keys,
    authUrl: () => `${options.publicUrl()}/auth/v1`,
    refreshTokenReuseIntervalSeconds:
      options.refreshTokenReuseIntervalSeconds ?? DEFAULT_REUSE_INTERVAL_SECONDS,
    emailConfirmations: options.emailConfirmations ?? false,
    siteUrl: () => (typeof siteUrl === "function" ? siteUrl() : siteUrl) || undefined,
    mailTemplates,
    onMail: options.onMail,
  };
  return async (request, path) => {
    const versioned = requestsApiVersion2024(request);
    const response = await answer(request, path, context).catch((error: unknown) =>
      errorResponse(asAuthError(error), versioned),
    );
    if (versioned) response.headers.set(API_VERSION_HEADER, API_VERSION_2024);
    return response;
  };
}

async function answer(request: Request, path: string, context: AuthContext): Promise<Response> {
  for (const route of ROUTES) {
    const match = route.path.exec(path);
    if (!match) continue;
    const endpoint = route.methods[request.method] ?? route.methods["*"];
    if (!endpoint) throw new AuthError(405, "method_not_allowed", "Method Not Allowed");
    return endpoint(request, context, match.slice(1));
  }
  throw notFound("not_found", "Not Found");
}

/** Anything unexpected (a database error, say) is GoTrue's 500, with the cause for debugging. */
function asAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AuthError(500, "unexpected_failure", `Unexpected failure: ${message}`);
}
