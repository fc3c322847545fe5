// GET /user and PUT /user with the user's access token (getUser, updateUser).
import { authenticate } from "../access-tokens.js";
import type { AuthContext } from "../context.js";
import { forbidden, notImplemented, unprocessable } from "../errors.js";
import { sendVerificationMail } from "../mailbox.js";
import { issueOneTimeToken } from "../one-time-tokens.js";
import { checkPasswordStrength, hashPassword, passwordMatches } from "../passwords.js";
import { type JsonObject, objectField, readJsonBody, stringField } from "../request.js";
import { endSessions } from "../sessions.js";
import {
  emailTaken,
  findUserByEmail,
  findUserById,
  normalizeEmail,
  type UserRow,
  updateUser,
  userJson,
} from "../users.js";

export async function getUser(request: Request, context: AuthContext): Promise<Response> {
  const { user } = await authenticate(context.keys, context.db.query, request);
  return Response.json(userJson(user));
}

export async function putUser(request: Request, context: AuthContext): Promise<Response> {
  const { user, sessionId } = await authenticate(context.keys, context.db.query, request);
  const body = await readJsonBody(request);
  if (stringField(body, "phone")) throw notImplemented("Changing the phone number");
  if (objectField(body, "app_metadata")) {
    throw forbidden("not_admin", "Updating app_metadata requires admin privileges");
  }
  const rawEmail = stringField(body, "email");
  const newEmail = rawEmail ? normalizeEmail(rawEmail) : undefined;
  const emailChange = newEmail !== undefined && newEmail !== user.email ? newEmail : undefined;
  if (emailChange && stringField(body, "code_challenge")) {
    throw notImplemented("The PKCE flow for email changes");
  }
  const password = stringField(body, "password");
  const data = objectField(body, "data");

  if (emailChange) {
    const holder = await findUserByEmail(context.db.query, emailChange);
    if (holder && holder.id !== user.id) throw emailTaken();
  }
  const passwordHash = password === undefined ? undefined : await newPasswordHash(user, password);

  const updated = await context.db.transaction({}, async (query) => {
    if (passwordHash !== undefined) {
      await updateUser(query, user.id, "encrypted_password = $2", [passwordHash]);
      // GoTrue ends the user's other sessions: whoever knew the old password is signed out.
      await endSessions(query, user.id, sessionId, "others");
    }
    if (data) {
      const current = (await findUserById(query, user.id)) as UserRow;
      await updateUser(query, user.id, "raw_user_meta_data = $2::jsonb", [
        JSON.stringify(mergeMetadata(current.raw_user_meta_data, data)),
      ]);
    }
    if (emailChange) {
      // The address changes only when the link mailed to it is verified (type email_change).
      await updateUser(query, user.id, "email_change = $2, email_change_sent_at = now()", [
        emailChange,
      ]);
      const token = await issueOneTimeToken(query, user.id, "email_change_token_new", emailChange);
      await sendVerificationMail(
        query,
        {
          to: emailChange,
          subject: "Confirm Email Change",
          purpose: `confirm the update of your email from ${user.email ?? ""} to ${emailChange}`,
          type: "email_change",
          token,
          authUrl: context.authUrl(),
          redirectTo: new URL(request.url).searchParams.get("redirect_to") ?? undefined,
        },
        context.onMail,
      );
    }
    return (await findUserById(query, user.id)) as UserRow;
  });
  return Response.json(userJson(updated));
}

async function newPasswordHash(user: UserRow, password: string): Promise<string> {
  checkPasswordStrength(password);
  if (await passwordMatches(password, user.encrypted_password)) {
    throw unprocessable("same_password", "New password should be different from the old password.");
  }
  return hashPassword(password);
}

/** GoTrue merges `data` into user_metadata key by key; a null value removes the key. */
function mergeMetadata(current: JsonObject, changes: JsonObject): JsonObject {
  const merged = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
