// POST /recover (resetPasswordForEmail): mails a recovery link and code to a known address. The
// answer is {} whether or not the address belongs to a user, so it reveals nothing.
import type { AuthContext } from "../context.js";
import { badRequest, notImplemented } from "../errors.js";
import { sendVerificationMail } from "../mailbox.js";
import { issueOneTimeToken } from "../one-time-tokens.js";
import { readJsonBody, stringField } from "../request.js";
import { findUserByEmail, normalizeEmail, updateUser } from "../users.js";

export async function recover(request: Request, context: AuthContext): Promise<Response> {
  const body = await readJsonBody(request);
  if (stringField(body, "code_challenge")) {
    throw notImplemented("The PKCE flow for password recovery");
  }
  const rawEmail = stringField(body, "email");
  if (!rawEmail) throw badRequest("validation_failed", "Password recovery requires an email");
  const email = normalizeEmail(rawEmail);
  const user = await findUserByEmail(context.db.query, email);
  if (user) {
    await context.db.transaction({}, async (query) => {
      await updateUser(query, user.id, "recovery_sent_at = now()");
      const token = await issueOneTimeToken(query, user.id, "recovery_token", email);
      await sendVerificationMail(
        query,
        {
          to: email,
          subject: "Reset Your Password",
          purpose: "reset the password for your account",
          type: "recovery",
          token,
          authUrl: context.authUrl(),
          redirectTo: new URL(request.url).searchParams.get("redirect_to") ?? undefined,
        },
        context.onMail,
      );
    });
  }
  return Response.json({});
}
