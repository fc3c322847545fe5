// GET /authorize (signInWithOAuth). GoTrue sends the browser to the provider, the provider back
// to GoTrue's /callback, and GoTrue on to redirect_to with ?code=<auth code> (the PKCE flow). The
// local stack has one provider, `local`, which needs no account anywhere: it signs the person in
// at once as local-oauth@example.test (or the address in login_hint, like a Google account
// chooser) and redirects to redirect_to with the code. Every real provider answers 501.
import type { Query } from "../../database.js";
import type { AuthContext } from "../context.js";
import { AuthError, badRequest, forbidden, notImplemented, OAUTH_ERRORS } from "../errors.js";
import { codeChallengeOf, issueAuthCode } from "../pkce.js";
import {
  appMetadata,
  findUserByEmail,
  insertUser,
  normalizeEmail,
  type UserRow,
  updateUser,
} from "../users.js";

const LOCAL_PROVIDER = "local";
const DEFAULT_LOCAL_EMAIL = "local-oauth@example.test";

/** GoTrue's providers (internal/api/provider): real ones, which the local stack cannot reach. */
const GOTRUE_PROVIDERS = new Set([
  "apple",
  "azure",
  "bitbucket",
  "discord",
  "facebook",
  "figma",
  "fly",
  "github",
  "gitlab",
  "google",
  "kakao",
  "keycloak",
  "linkedin",
  "linkedin_oidc",
  "notion",
  "slack",
  "slack_oidc",
  "snapchat",
  "spotify",
  "twitch",
  "twitter",
  "workos",
  "zoom",
]);

export async function authorize(request: Request, context: AuthContext): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const provider = params.get("provider") ?? "";
  if (provider !== LOCAL_PROVIDER) {
    if (GOTRUE_PROVIDERS.has(provider)) throw notImplemented(`OAuth sign-in with ${provider}`);
    throw badRequest(
      "validation_failed",
      `Unsupported provider: Provider ${provider} could not be found`,
    );
  }
  const target = allowedRedirect(params.get("redirect_to"));
  const codeChallenge = codeChallengeOf(
    params.get("code_challenge"),
    params.get("code_challenge_method"),
  );
  // The implicit flow would put the session in redirect_to's fragment.
  if (!codeChallenge) throw notImplemented("OAuth sign-in without PKCE (the implicit flow)");
  const email = normalizeEmail(params.get("login_hint") || DEFAULT_LOCAL_EMAIL);

  try {
    const authCode = await context.db.transaction({}, async (query) => {
      const user = await signedInUser(query, email);
      return issueAuthCode(query, {
        userId: user.id,
        provider,
        codeChallenge,
        authenticationMethod: "oauth",
      });
    });
    target.searchParams.set("code", authCode);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    // Past the checks above GoTrue reports failures to redirect_to, in the query (PKCE) and the
    // fragment alike (prepErrorRedirectURL).
    const details = new URLSearchParams({
      ...(OAUTH_ERRORS[error.status] ? { error: OAUTH_ERRORS[error.status] as string } : {}),
      error_code: error.code,
      error_description: error.message,
    });
    for (const [name, value] of details) target.searchParams.set(name, value);
    target.hash = details.toString();
  }
  return new Response(null, { status: 302, headers: { location: target.href } });
}

/**
 * GoTrue refuses a redirect_to outside its uri_allow_list by falling back to its site URL, which
 * the local stack does not have; it refuses instead, so it never redirects to a foreign origin.
 * Its allow list is what `supabase start` serves: http://localhost and http://127.0.0.1.
 */
function allowedRedirect(redirectTo: string | null): URL {
  if (!redirectTo) throw notImplemented("OAuth sign-in without a redirect_to");
  let url: URL;
  try {
    url = new URL(redirectTo);
  } catch {
    throw badRequest("validation_failed", "redirect_to is not a URL");
  }
  const local = url.hostname === "127.0.0.1" || url.hostname === "localhost";
  if (url.protocol !== "http:" || !local || url.username || url.password) {
    throw badRequest(
      "validation_failed",
      "redirect_to is not in the local stack's allow list (http://localhost:*, http://127.0.0.1:*)",
    );
  }
  return url;
}

/**
 * The user the provider vouches for: found by address or created, as GoTrue links a verified
 * provider address to an existing account. Linking drops the password of an unconfirmed
 * account (whoever set it never proved the address: RemoveUnconfirmedIdentities) and confirms it.
 */
async function signedInUser(query: Query, email: string): Promise<UserRow> {
  const existing = await findUserByEmail(query, email);
  if (!existing) {
    return insertUser(query, {
      email,
      passwordHash: null,
      emailConfirmed: true,
      userMetadata: { email, email_verified: true },
      appMetadata: { provider: LOCAL_PROVIDER, providers: [LOCAL_PROVIDER] },
    });
  }
  if (existing.is_banned) throw forbidden("user_banned", "User is banned");
  const current = appMetadata(existing);
  const providers = [...new Set([...((current.providers as string[]) ?? []), LOCAL_PROVIDER])];
  return updateUser(
    query,
    existing.id,
    `raw_app_meta_data = $2::jsonb,
     encrypted_password = case when email_confirmed_at is null then null else encrypted_password end,
     email_confirmed_at = coalesce(email_confirmed_at, now())`,
    [JSON.stringify({ ...existing.raw_app_meta_data, provider: current.provider, providers })],
  );
}
