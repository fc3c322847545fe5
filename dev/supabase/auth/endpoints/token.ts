// POST /token?grant_type=password|refresh_token|pkce (signInWithPassword, refreshSession,
// exchangeCodeForSession).
import type { AuthContext } from "../context.js";
import { badRequest, notImplemented } from "../errors.js";
import { passwordMatches } from "../passwords.js";
import { pkceGrant } from "../pkce.js";
import { refreshTokenGrant } from "../refresh.js";
import { type JsonObject, readJsonBody, stringField } from "../request.js";
import { type SessionJson, startSession } from "../sessions.js";
import { findUserByEmail } from "../users.js";

const UNSUPPORTED_GRANTS: Record<string, string> = {
  id_token: "Sign-in with an ID token (grant_type=id_token)",
  web3: "Web3 sign-in (grant_type=web3)",
};

export async function token(request: Request, context: AuthContext): Promise<Response> {
  const grantType = new URL(request.url).searchParams.get("grant_type") ?? "";
  const unsupported = UNSUPPORTED_GRANTS[grantType];
  if (unsupported) throw notImplemented(unsupported);
  const body = await readJsonBody(request);
  if (grantType === "password") return Response.json(await passwordGrant(context, body));
  if (grantType === "refresh_token") {
    const refreshToken = stringField(body, "refresh_token");
    if (!refreshToken) throw badRequest("validation_failed", "refresh_token required");
    return Response.json(await refreshTokenGrant(context, refreshToken));
  }
  if (grantType === "pkce") return Response.json(await pkceGrant(context, body));
  throw badRequest("validation_failed", "unsupported_grant_type");
}

async function passwordGrant(context: AuthContext, body: JsonObject): Promise<SessionJson> {
  if (stringField(body, "phone")) throw notImplemented("Phone sign-ins");
  const email = stringField(body, "email") ?? "";
  const password = stringField(body, "password") ?? "";
  if (!email) throw badRequest("validation_failed", "missing email or phone");
  const invalidCredentials = badRequest("invalid_credentials", "Invalid login credentials");
  const user = await findUserByEmail(context.db.query, email);
  if (!user) throw invalidCredentials;
  // GoTrue's order: a banned user learns that before the password is checked.
  if (user.is_banned) throw badRequest("user_banned", "User is banned");
  if (!(await passwordMatches(password, user.encrypted_password))) throw invalidCredentials;
  if (!user.email_confirmed_at) throw badRequest("email_not_confirmed", "Email not confirmed");
  return context.db.transaction({}, (query) => startSession(context, query, user, "password"));
}
