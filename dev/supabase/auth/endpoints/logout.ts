// POST /logout?scope=global|local|others with the user's access token (signOut).
import { authenticate } from "../access-tokens.js";
import type { AuthContext } from "../context.js";
import { badRequest } from "../errors.js";
import { endSessions, type LogoutScope } from "../sessions.js";

const SCOPES: readonly LogoutScope[] = ["global", "local", "others"];

const isLogoutScope = (value: string): value is LogoutScope =>
  (SCOPES as readonly string[]).includes(value);

export async function logout(request: Request, context: AuthContext): Promise<Response> {
  const scope = new URL(request.url).searchParams.get("scope") || "global";
  if (!isLogoutScope(scope)) {
    throw badRequest("validation_failed", `Unsupported logout scope "${scope}"`);
  }
  const { user, sessionId } = await authenticate(context.keys, context.db.query, request);
  await endSessions(context.db.query, user.id, sessionId, scope);
  return new Response(null, { status: 204 });
}
