// The PKCE flow as GoTrue runs it for OAuth (internal/api/pkce.go, models/flow_state.go): the
// app sends a code challenge to /authorize, gets back an auth code on its redirect_to, and
// redeems the code at POST /token?grant_type=pkce with the verifier the challenge was made from.
// A flow state lives 5 minutes (GoTrue's default flow_state_expiry_duration) and is redeemed once.
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { Query } from "../database.js";
import type { AuthContext } from "./context.js";
import { badRequest, notFound, notImplemented, unprocessable } from "./errors.js";
import { type JsonObject, stringField } from "./request.js";
import { type AuthenticationMethod, type SessionJson, startSession } from "./sessions.js";
import { findUserById, type UserRow } from "./users.js";

const LIFETIME_SECONDS = 300;

// RFC 7636 §4.2, as GoTrue checks it (internal/api/pkce.go).
const MIN_CHALLENGE_LENGTH = 43;
const MAX_CHALLENGE_LENGTH = 128;
const CHALLENGE_PATTERN = /^[a-zA-Z._~0-9-]+$/;

export interface CodeChallenge {
  challenge: string;
  method: "s256";
}

/** GoTrue's validatePKCEParams; undefined when neither is given (the implicit flow). */
export function codeChallengeOf(
  challenge: string | null,
  method: string | null,
): CodeChallenge | undefined {
  if (!challenge && !method) return undefined;
  if (!challenge || !method) {
    throw badRequest(
      "validation_failed",
      "PKCE flow requires code_challenge_method and code_challenge",
    );
  }
  if (challenge.length < MIN_CHALLENGE_LENGTH || challenge.length > MAX_CHALLENGE_LENGTH) {
    throw badRequest(
      "validation_failed",
      `code challenge has to be between ${MIN_CHALLENGE_LENGTH} and ${MAX_CHALLENGE_LENGTH} characters`,
    );
  }
  if (!CHALLENGE_PATTERN.test(challenge)) {
    throw badRequest(
      "validation_failed",
      "code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes",
    );
  }
  const lowered = method.toLowerCase();
  if (lowered === "plain") throw notImplemented("The plain code challenge method");
  if (lowered !== "s256") {
    throw badRequest("validation_failed", `unsupported code_challenge method "${method}"`);
  }
  return { challenge, method: "s256" };
}

function authCodeHash(authCode: string): string {
  return createHash("sha256").update(authCode).digest("hex");
}

export interface NewFlowState {
  userId: string;
  provider: string;
  codeChallenge: CodeChallenge;
  authenticationMethod: AuthenticationMethod;
}

/** Stores a flow state for a user who has signed in; the auth code is returned, never stored. */
export async function issueAuthCode(query: Query, flow: NewFlowState): Promise<string> {
  const authCode = randomUUID();
  await query(
    `insert into auth.flow_state
       (user_id, auth_code_hash, code_challenge, code_challenge_method, provider_type,
        authentication_method)
     values ($1, $2, $3, $4, $5, $6)`,
    [
      flow.userId,
      authCodeHash(authCode),
      flow.codeChallenge.challenge,
      flow.codeChallenge.method,
      flow.provider,
      flow.authenticationMethod,
    ],
  );
  return authCode;
}

interface FlowStateRow {
  id: string;
  user_id: string;
  code_challenge: string;
  authentication_method: AuthenticationMethod;
  fresh: boolean;
}

/**
 * POST /token?grant_type=pkce: GoTrue's PKCE grant. A wrong verifier leaves the flow state in
 * place, as GoTrue does (guessing a 256-bit verifier is hopeless); a redeemed one is deleted in
 * the transaction that starts the session, so a second exchange of the same code finds nothing.
 */
export async function pkceGrant(context: AuthContext, body: JsonObject): Promise<SessionJson> {
  const authCode = stringField(body, "auth_code") ?? "";
  const verifier = stringField(body, "code_verifier") ?? "";
  if (!authCode || !verifier) {
    throw badRequest(
      "validation_failed",
      "invalid request: both auth code and code verifier should be non-empty",
    );
  }
  return context.db.transaction({}, async (query) => {
    const { rows } = await query<FlowStateRow>(
      `select id, user_id, code_challenge, authentication_method,
              created_at > now() - make_interval(secs => $2::float8) as fresh
         from auth.flow_state where auth_code_hash = $1
          for update`,
      [authCodeHash(authCode), String(LIFETIME_SECONDS)],
    );
    const flow = rows[0];
    if (!flow) {
      throw notFound("flow_state_not_found", "invalid flow state, no valid flow state found");
    }
    if (!flow.fresh) {
      throw unprocessable("flow_state_expired", "invalid flow state, flow state has expired");
    }
    if (!challengeMatches(flow.code_challenge, verifier)) {
      throw badRequest(
        "bad_code_verifier",
        "code challenge does not match previously saved code verifier",
      );
    }
    await query("delete from auth.flow_state where id = $1", [flow.id]);
    const user = (await findUserById(query, flow.user_id)) as UserRow;
    return startSession(context, query, user, flow.authentication_method);
  });
}

/** S256: base64url(sha256(verifier)) without padding, compared in constant time. */
function challengeMatches(challenge: string, verifier: string): boolean {
  const expected = Buffer.from(challenge);
  const actual = Buffer.from(createHash("sha256").update(verifier).digest("base64url"));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
