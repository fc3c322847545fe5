// POST /admin/users and DELETE /admin/users/<id> (auth.admin.createUser, deleteUser). Like
// GoTrue, they take any valid JWT whose role is service_role or supabase_admin as the Bearer.
import { verifiedClaims } from "../access-tokens.js";
import type { AuthContext } from "../context.js";
import { isUniqueViolation } from "../database-errors.js";
import { badRequest, forbidden, notFound, notImplemented } from "../errors.js";
import { checkPasswordStrength, hashPassword } from "../passwords.js";
import {
  bearerToken,
  booleanField,
  isUuid,
  objectField,
  readJsonBody,
  stringField,
} from "../request.js";
import { emailTaken, findUserByEmail, insertUser, normalizeEmail, userJson } from "../users.js";

const ADMIN_ROLES = ["service_role", "supabase_admin"];

export async function requireAdmin(request: Request, context: AuthContext): Promise<void> {
  const claims = await verifiedClaims(context.keys, bearerToken(request));
  if (typeof claims.role !== "string" || !ADMIN_ROLES.includes(claims.role)) {
    throw forbidden("not_admin", "User not allowed");
  }
}

/** createUser attributes GoTrue accepts that the local stack does not implement. */
const UNSUPPORTED_ATTRIBUTES = [
  "phone",
  "phone_confirm",
  "password_hash",
  "ban_duration",
  "id",
  "role",
  "aud",
];

export async function adminCreateUser(request: Request, context: AuthContext): Promise<Response> {
  await requireAdmin(request, context);
  const body = await readJsonBody(request);
  const unsupported = UNSUPPORTED_ATTRIBUTES.find((name) => body[name] != null);
  if (unsupported) throw notImplemented(`createUser with ${unsupported}`);
  const rawEmail = stringField(body, "email");
  if (!rawEmail) {
    throw badRequest("validation_failed", "Cannot create a user without either an email or phone");
  }
  const email = normalizeEmail(rawEmail);
  const password = stringField(body, "password");
  if (password !== undefined) checkPasswordStrength(password);
  const newUser = {
    email,
    passwordHash: password === undefined ? null : await hashPassword(password),
    emailConfirmed: booleanField(body, "email_confirm") ?? false,
    userMetadata: objectField(body, "user_metadata") ?? {},
    appMetadata: objectField(body, "app_metadata") ?? {},
  };
  if (await findUserByEmail(context.db.query, email)) throw emailTaken();
  try {
    return Response.json(userJson(await insertUser(context.db.query, newUser)));
  } catch (error) {
    if (isUniqueViolation(error)) throw emailTaken();
    throw error;
  }
}

export async function adminDeleteUser(
  request: Request,
  context: AuthContext,
  [userId = ""]: readonly string[],
): Promise<Response> {
  await requireAdmin(request, context);
  if (!isUuid(userId)) throw notFound("validation_failed", "user_id must be an UUID");
  const body = await readJsonBody(request);
  if (booleanField(body, "should_soft_delete")) throw notImplemented("Soft-deleting users");
  const { rows } = await context.db.query("delete from auth.users where id = $1 returning id", [
    userId,
  ]);
  if (rows.length === 0) throw notFound("user_not_found", "User not found");
  return Response.json({});
}
