// Who may join, receive and send, decided as Supabase Realtime decides it
// (lib/realtime/tenants/authorization.ex): the access token is a JWT of the project's key with
// `role` and `exp`; for a private channel, a probe message is inserted into realtime.messages for
// the topic and read back as the caller (role, request.jwt.claims and realtime.topic set) inside
// a transaction that is rolled back — the SELECT policies say whether the caller may receive; an
// INSERT of a message as the caller says (by succeeding or failing with 42501) whether the
// caller may send. Nothing of a probe is ever committed.
import type { JWTPayload } from "jose";
import { type Database, Rollback } from "../database.js";
import type { SigningKeys } from "../keys.js";

const API_ROLES = new Set(["anon", "authenticated", "service_role"]);

export interface Caller {
  role: string;
  claims: JWTPayload;
  /** Seconds since the epoch. */
  exp: number;
}

/** A refusal whose reason the client is told, in Realtime's "Code: message" form. */
export class Refusal extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export async function verifyAccessToken(keys: SigningKeys, token: string): Promise<Caller> {
  if (token.split(".").length !== 3) {
    throw new Refusal("MalformedJWT: The token provided is not a valid JWT");
  }
  let claims: JWTPayload;
  try {
    claims = await keys.verify(token);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_JWT_EXPIRED") {
      const exp = (error as { payload?: JWTPayload }).payload?.exp ?? 0;
      const ago = Math.max(0, Math.floor(Date.now() / 1000) - exp);
      throw new Refusal(`InvalidJWTToken: Token has expired ${ago} seconds ago`);
    }
    if (code === "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" || code === "ERR_JOSE_NOT_SUPPORTED") {
      throw new Refusal("JwtSignatureError: Failed to validate JWT signature");
    }
    throw new Refusal("MalformedJWT: The token provided is not a valid JWT");
  }
  if (typeof claims.role !== "string" || typeof claims.exp !== "number") {
    throw new Refusal("InvalidJWTToken: Fields `role` and `exp` are required in JWT");
  }
  if (!API_ROLES.has(claims.role)) {
    throw new Refusal(
      `Unauthorized: the JWT role must be one of ${[...API_ROLES].join(", ")} (the local stack's roles)`,
    );
  }
  return { role: claims.role, claims, exp: claims.exp };
}

interface Context {
  caller: Caller;
  topic: string;
  headers: Record<string, string>;
}

async function setCallerContext(
  query: Parameters<Parameters<Database["transaction"]>[1]>[0],
  { caller, topic, headers }: Context,
): Promise<void> {
  await query(
    `select set_config('role', $1, true),
            set_config('realtime.topic', $2, true),
            set_config('request.jwt.claims', $3, true),
            set_config('request.headers', $4, true)`,
    [caller.role, topic, JSON.stringify(caller.claims), JSON.stringify(headers)],
  );
}

/** May the caller receive broadcasts on the private topic (the SELECT policies)? */
export async function canRead(db: Database, context: Context): Promise<boolean> {
  return db.transaction({}, async (query) => {
    const { rows } = await query<{ id: string }>(
      `insert into realtime.messages (topic, extension) values ($1, 'broadcast') returning id::text`,
      [context.topic],
    );
    const id = rows[0]?.id ?? "";
    await setCallerContext(query, context);
    const seen = await query(
      `select 1 from realtime.messages
        where topic = $1 and extension = 'broadcast' and id = $2::uuid`,
      [context.topic, id],
    );
    throw new Rollback(seen.rows.length === 1);
  });
}

/** May the caller send broadcasts on the private topic (the INSERT policies)? */
export async function canWrite(db: Database, context: Context): Promise<boolean> {
  try {
    return await db.transaction({}, async (query) => {
      await setCallerContext(query, context);
      await query(`insert into realtime.messages (topic, extension) values ($1, 'broadcast')`, [
        context.topic,
      ]);
      throw new Rollback(true);
    });
  } catch (error) {
    if ((error as { code?: string }).code === "42501") return false;
    throw error;
  }
}
