// POST /signup with email and password. By default the local stack auto-confirms email addresses
// (as `supabase start` does with enable_confirmations = false), so a sign-up answers with a
// Session, and an address that already has an account is refused (422 user_already_exists).
//
// With emailConfirmations on (a Supabase project's default) it answers as GoTrue does then
// (internal/api/signup.go): a new address gets an unconfirmed user, no session, and a
// confirmation mail in the local mailbox; an address with a confirmed account gets a made-up
// user (a fresh id, `identities: []`, no session) with the same 200, so the answer does not say
// the address is taken; an unconfirmed one gets its confirmation mail again, at most once a
// minute (429 over_email_send_rate_limit otherwise).
import { randomUUID } from "node:crypto";
import type { Query } from "../../database.js";
import type { AuthContext } from "../context.js";
import { isUniqueViolation } from "../database-errors.js";
import { AuthError, notImplemented, unprocessable } from "../errors.js";
import { sendVerificationMail } from "../mailbox.js";
import { issueOneTimeToken } from "../one-time-tokens.js";
import { checkPasswordStrength, hashPassword } from "../passwords.js";
import { type JsonObject, objectField, readJsonBody, stringField } from "../request.js";
import { startSession } from "../sessions.js";
import { findUserByEmail, insertUser, normalizeEmail, type UserRow, userJson } from "../users.js";

const userExists = () => unprocessable("user_already_exists", "User already registered");

/** GoTrue's SMTP max_frequency default: one confirmation mail per address per minute. */
const CONFIRMATION_RESEND_SECONDS = 60;

export async function signup(request: Request, context: AuthContext): Promise<Response> {
  const body = await readJsonBody(request);
  const rawEmail = stringField(body, "email") ?? "";
  if (stringField(body, "phone")) throw notImplemented("Phone sign-ups");
  // GoTrue treats a sign-up without email or phone as an anonymous sign-in.
  if (!rawEmail) throw notImplemented("Anonymous sign-ins");
  const password = stringField(body, "password") ?? "";
  if (!password) throw unprocessable("validation_failed", "Signup requires a valid password");
  checkPasswordStrength(password);
  const email = normalizeEmail(rawEmail);
  const userMetadata = objectField(body, "data") ?? {};
  const redirectTo = new URL(request.url).searchParams.get("redirect_to") ?? undefined;

  const existing = await findUserByEmail(context.db.query, email);
  if (existing) {
    if (!context.emailConfirmations) throw userExists();
    if (existing.email_confirmed_at) return Response.json(obfuscatedUser(email, userMetadata));
    await sendConfirmation(context.db.query, context, existing, redirectTo);
    return Response.json(unconfirmedUserJson(existing));
  }
  const passwordHash = await hashPassword(password);
  try {
    return await context.db.transaction({}, async (query) => {
      const user = await insertUser(query, {
        email,
        passwordHash,
        emailConfirmed: !context.emailConfirmations,
        userMetadata,
        appMetadata: {},
      });
      if (!context.emailConfirmations) {
        return Response.json(await startSession(context, query, user, "password"));
      }
      await sendConfirmation(query, context, user, redirectTo);
      return Response.json(unconfirmedUserJson(user));
    });
  } catch (error) {
    // A concurrent sign-up with the same address got there first.
    if (isUniqueViolation(error)) throw userExists();
    throw error;
  }
}

/** Mails a confirmation link and code, unless one went out within the last minute. */
async function sendConfirmation(
  query: Query,
  context: AuthContext,
  user: UserRow,
  redirectTo: string | undefined,
): Promise<void> {
  const { rows } = await query<{ wait: number }>(
    `select ceil(extract(epoch from created_at + make_interval(secs => $2::float8) - now()))::int
       as wait
       from auth.one_time_tokens
      where user_id = $1 and token_type = 'confirmation_token'
        and created_at > now() - make_interval(secs => $2::float8)`,
    [user.id, String(CONFIRMATION_RESEND_SECONDS)],
  );
  const wait = rows[0]?.wait;
  if (wait !== undefined) {
    throw new AuthError(
      429,
      "over_email_send_rate_limit",
      `For security purposes, you can only request this after ${wait} seconds.`,
    );
  }
  const email = user.email ?? "";
  const token = await issueOneTimeToken(query, user.id, "confirmation_token", email);
  await sendVerificationMail(
    query,
    {
      to: email,
      subject: "Confirm Your Signup",
      purpose: "confirm your email address",
      type: "signup",
      token,
      authUrl: context.authUrl(),
      redirectTo,
      template: context.mailTemplates.confirmation,
      siteUrl: context.siteUrl(),
    },
    context.onMail,
  );
}

function unconfirmedUserJson(user: UserRow): JsonObject {
  return { ...userJson(user), confirmation_sent_at: new Date().toISOString() };
}

/** GoTrue's sanitizeUser: what an already-registered address gets instead of an error. */
function obfuscatedUser(email: string, userMetadata: JsonObject): JsonObject {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    aud: "authenticated",
    role: "authenticated",
    email,
    phone: "",
    confirmation_sent_at: now,
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: userMetadata,
    identities: [],
    created_at: now,
    updated_at: now,
    is_anonymous: false,
  };
}
