// /verify redeems an emailed one-time token for a Session: POST from verifyOtp with
// {token_hash, type} or {email, token, type}; GET from the link in the mail, which redirects to
// redirect_to with the session (or the error) in the URL fragment, GoTrue's implicit flow.
import type { AuthContext } from "../context.js";
import { isUniqueViolation } from "../database-errors.js";
import { AuthError, badRequest, forbidden, notImplemented, OAUTH_ERRORS } from "../errors.js";
import {
  type OneTimeTokenType,
  type RedeemedToken,
  redeemOneTimeToken,
  tokenHash,
} from "../one-time-tokens.js";
import { type JsonObject, readJsonBody, stringField } from "../request.js";
import { type SessionJson, startSession } from "../sessions.js";
import { emailTaken, findUserById, normalizeEmail, type UserRow, updateUser } from "../users.js";

/**
 * The tokens each type redeems. `email` (supabase-js's current name for email links and codes)
 * is GoTrue's either-or: a confirmation token confirms as `signup` does, a recovery token signs
 * in as `magiclink` does (verifyTokenHash in internal/api/verify.go).
 */
const TOKEN_TYPES: Record<string, readonly OneTimeTokenType[]> = {
  signup: ["confirmation_token"],
  email: ["confirmation_token", "recovery_token"],
  recovery: ["recovery_token"],
  email_change: ["email_change_token_new"],
};

/** Verification types GoTrue knows whose tokens the local stack never sends. */
const UNSUPPORTED_TYPES: Record<string, string> = {
  invite: "Invitations",
  magiclink: "Magic links",
  sms: "SMS one-time passwords",
  phone_change: "Phone number changes",
};

export async function verify(request: Request, context: AuthContext): Promise<Response> {
  const body = await readJsonBody(request);
  const type = stringField(body, "type");
  if (!type) throw badRequest("validation_failed", "Verify requires a verification type");
  if (stringField(body, "phone")) throw notImplemented("SMS one-time passwords");
  const hash = stringField(body, "token_hash") ?? codeHash(body);
  const invalid = forbidden("otp_expired", "Token has expired or is invalid");
  return Response.json((await redeem(context, type, hash, invalid)).session);
}

/** The stored hash for {email, token}: the code typed in from the mail. */
function codeHash(body: JsonObject): string {
  const code = stringField(body, "token");
  if (!code) {
    throw badRequest("validation_failed", "Verify requires either a token or a token hash");
  }
  const email = stringField(body, "email");
  if (!email) {
    throw badRequest(
      "validation_failed",
      "Only an email address or phone number should be provided on verify",
    );
  }
  return tokenHash(normalizeEmail(email), code.replaceAll("-", ""));
}

export async function verifyLink(request: Request, context: AuthContext): Promise<Response> {
  const params = new URL(request.url).searchParams;
  // GoTrue falls back to its configured site URL, which the local stack has when given one.
  const redirectTo = params.get("redirect_to") || context.siteUrl() || "";
  if (!/^https?:\/\//.test(redirectTo)) {
    throw notImplemented("A verify link without an http(s) redirect_to or the stack's siteUrl");
  }
  const type = params.get("type") ?? "";
  const target = new URL(redirectTo);
  try {
    const invalid = forbidden("otp_expired", "Email link is invalid or has expired");
    const { session, verifiedAs } = await redeem(context, type, params.get("token") ?? "", invalid);
    target.hash = new URLSearchParams({
      access_token: session.access_token,
      expires_at: String(session.expires_at),
      expires_in: String(session.expires_in),
      refresh_token: session.refresh_token,
      token_type: session.token_type,
      type: verifiedAs,
    }).toString();
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    const oauthError = OAUTH_ERRORS[error.status];
    target.search = "";
    target.hash = new URLSearchParams({
      ...(oauthError ? { error: oauthError } : {}),
      error_code: error.code,
      error_description: error.message,
    }).toString();
  }
  return new Response(null, { status: 303, headers: { location: target.href } });
}

/** The type the token turned out to be, as GoTrue reports an `email` link's (signup, magiclink). */
const VERIFIED_AS: Record<OneTimeTokenType, string> = {
  confirmation_token: "signup",
  recovery_token: "magiclink",
  email_change_token_new: "email_change",
};

async function redeem(
  context: AuthContext,
  type: string,
  hash: string,
  invalid: AuthError,
): Promise<{ session: SessionJson; verifiedAs: string }> {
  const unsupported = UNSUPPORTED_TYPES[type];
  if (unsupported) throw notImplemented(unsupported);
  const tokenTypes = TOKEN_TYPES[type];
  if (!tokenTypes) throw badRequest("validation_failed", "Unsupported verification type");
  try {
    return await context.db.transaction({}, async (query) => {
      let redeemed: RedeemedToken | undefined;
      let tokenType: OneTimeTokenType | undefined;
      for (const candidate of tokenTypes) {
        redeemed = await redeemOneTimeToken(query, candidate, hash);
        if (redeemed) {
          tokenType = candidate;
          break;
        }
      }
      if (!redeemed || !tokenType) throw invalid;
      const user = (await findUserById(query, redeemed.userId)) as UserRow;
      let verified: UserRow;
      if (tokenType === "confirmation_token") {
        verified = await updateUser(
          query,
          user.id,
          "email_confirmed_at = coalesce(email_confirmed_at, now())",
        );
      } else if (tokenType === "recovery_token") {
        // Following a recovery link proves the address, so it also confirms an unconfirmed one.
        verified = await updateUser(
          query,
          user.id,
          "recovery_sent_at = null, email_confirmed_at = coalesce(email_confirmed_at, now())",
        );
      } else {
        // A link for an address the user has since changed their mind about no longer applies.
        if (user.email_change !== redeemed.email) throw invalid;
        verified = await updateUser(
          query,
          user.id,
          `email = email_change, email_change = null, email_change_sent_at = null,
           email_confirmed_at = now()`,
        );
      }
      const session = await startSession(context, query, verified, "otp");
      return { session, verifiedAs: type === "email" ? VERIFIED_AS[tokenType] : type };
    });
  } catch (error) {
    // Someone else signed up with the new address after the change was requested.
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}
