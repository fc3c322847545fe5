// Who is calling: the signed-in user behind the request's Bearer token. The token is read from
// the Authorization header only — a token in a URL ends up in logs and browser history, and a
// cookie would be sent by the browser on cross-site requests too.
import { ApiError } from "../http/errors.js";
import { type AccessClaims, verifyAccessToken } from "./access-token.js";
import { type AppRole, rolesOf } from "./roles.js";

export type Caller = {
  userId: string;
  email: string | undefined;
  /** Effective roles, implied ones included (see roles.ts). */
  roles: AppRole[];
  /** Passed on to the database so that row-level security sees the same user. */
  accessToken: string;
  claims: AccessClaims;
};

/** RFC 6750's b64token after the scheme, which is case-insensitive (RFC 9110 §11.1). */
const BEARER = /^Bearer +([\w.~+/-]+=*)$/i;

/**
 * The caller, or undefined when the request carries no Authorization header. A header that is
 * not a Bearer token, or a token that does not verify, is ApiError unauthorized: a client that
 * tried to sign in must hear that it failed rather than be served as anonymous.
 */
export async function authenticate(request: Request): Promise<Caller | undefined> {
  const header = request.headers.get("authorization");
  if (header === null) return undefined;
  const token = BEARER.exec(header)?.[1];
  if (!token) {
    throw new ApiError("unauthorized", "Send the access token as Authorization: Bearer <token>.");
  }
  const claims = await verifyAccessToken(token);
  let caller = callers.get(claims);
  if (caller === undefined) {
    caller = Object.freeze({
      userId: claims.sub,
      email: claims.email || undefined,
      roles: Object.freeze(rolesOf(claims)) as AppRole[],
      accessToken: token,
      claims,
    });
    callers.set(claims, caller);
  }
  return caller;
}

/**
 * A remembered token (verified-tokens.ts) yields the same claims object on every request of a
 * session, so the caller made from it is kept beside it, frozen, and lives as long as they do.
 */
const callers = new WeakMap<AccessClaims, Caller>();
