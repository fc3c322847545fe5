// POST /signup with email and password. The local stack auto-confirms email addresses (as
// `supabase start` does with enable_confirmations = false), so a sign-up answers with a Session.
import type { AuthContext } from "../context.js";
import { isUniqueViolation } from "../database-errors.js";
import { notImplemented, unprocessable } from "../errors.js";
import { checkPasswordStrength, hashPassword } from "../passwords.js";
import { objectField, readJsonBody, stringField } from "../request.js";
import { startSession } from "../sessions.js";
import { findUserByEmail, insertUser, normalizeEmail } from "../users.js";

const userExists = () => unprocessable("user_already_exists", "User already registered");

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

  if (await findUserByEmail(context.db.query, email)) throw userExists();
  const passwordHash = await hashPassword(password);
  try {
    const session = await context.db.transaction({}, async (query) => {
      const user = await insertUser(query, {
        email,
        passwordHash,
        emailConfirmed: true,
        userMetadata,
        appMetadata: {},
      });
      return startSession(context, query, user, "password");
    });
    return Response.json(session);
  } catch (error) {
    // A concurrent sign-up with the same address got there first.
    if (isUniqueViolation(error)) throw userExists();
    throw error;
  }
}
