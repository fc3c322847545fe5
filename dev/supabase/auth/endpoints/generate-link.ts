// POST /admin/generate_link (auth.admin.generateLink) for type "recovery": issues the recovery
// token as /recover does but sends no mail — the caller (Bastion's outbox) mails its own
// template. Answers GoTrue's shape: the user's fields plus action_link, email_otp, hashed_token,
// redirect_to and verification_type. Other link types (signup, invite, magic link, email change)
// are not implemented; an unknown address is 404 user_not_found, as GoTrue answers.
import type { AuthContext } from "../context.js";
import { badRequest, notFound, notImplemented } from "../errors.js";
import { issueOneTimeToken } from "../one-time-tokens.js";
import { readJsonBody, stringField } from "../request.js";
import { findUserByEmail, normalizeEmail, updateUser, userJson } from "../users.js";
import { requireAdmin } from "./admin.js";

export async function adminGenerateLink(request: Request, context: AuthContext): Promise<Response> {
  await requireAdmin(request, context);
  const body = await readJsonBody(request);
  const type = stringField(body, "type");
  if (type !== "recovery") throw notImplemented(`generate_link of type ${type ?? "(none)"}`);
  const rawEmail = stringField(body, "email");
  if (!rawEmail) throw badRequest("validation_failed", "Password recovery requires an email");
  const email = normalizeEmail(rawEmail);
  const user = await findUserByEmail(context.db.query, email);
  if (!user) throw notFound("user_not_found", "User with this email not found");
  // auth-js sends it as a query parameter; GoTrue also reads it from the body.
  const redirectTo =
    new URL(request.url).searchParams.get("redirect_to") ?? stringField(body, "redirect_to");
  const token = await context.db.transaction({}, async (query) => {
    await updateUser(query, user.id, "recovery_sent_at = now()");
    return issueOneTimeToken(query, user.id, "recovery_token", email);
  });
  const link = new URL(`${context.authUrl()}/verify`);
  link.searchParams.set("token", token.tokenHash);
  link.searchParams.set("type", "recovery");
  if (redirectTo) link.searchParams.set("redirect_to", redirectTo);
  return Response.json({
    ...userJson(user),
    action_link: link.href,
    email_otp: token.code,
    hashed_token: token.tokenHash,
    redirect_to: redirectTo ?? "",
    verification_type: "recovery",
  });
}
