// The OAuth state of a social channel's connect (issue 22): a JWT (HS256, CHANNEL_OAUTH_STATE_SECRET)
// naming the user, the shop and the platform, valid 10 minutes, whose id (jti) names a server-side
// row (public.channel_oauth_states) that keeps the PKCE code verifier sealed. The callback verifies
// the signature, then deletes the row in the same statement that finds it: a state works once,
// and a state with no row (replayed, expired, forged with a leaked key but never issued) is
// refused. Nothing secret is in the state itself: the verifier never leaves the server.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { errors, jwtVerify, SignJWT } from "jose";
import * as z from "zod";
import { openPersonalData, sealPersonalData } from "../../crypto/personal-data.js";
import { env } from "../../env.js";
import { OAUTH_WINDOW_SECONDS, type OAuthPlatform } from "./config.js";

const ISSUER = "bastion";
const AUDIENCE = "bastion:channel-oauth";
export const VERIFIER_SEALED = "channel_oauth_states.verifier";

export interface IssuedState {
  state: string;
  /** S256 of the verifier, base64url (RFC 7636). */
  challenge: string;
  /** The same digest in hex: TikTok's Login Kit takes the S256 challenge hex-encoded. */
  challengeHex: string;
}

export interface StateClaims {
  id: string;
  userId: string;
  shopId: string;
  platform: OAuthPlatform;
  verifier: string;
}

/** Why a callback's state was refused (the page's error code). */
export type StateFailure = "state_missing" | "state_invalid" | "state_expired" | "state_used";

export class StateError extends Error {
  constructor(readonly failure: StateFailure) {
    super(failure);
    this.name = "StateError";
  }
}

function key(): Uint8Array {
  const secret = env().CHANNEL_OAUTH_STATE_SECRET;
  if (!secret) throw new Error("CHANNEL_OAUTH_STATE_SECRET is not set");
  return new TextEncoder().encode(secret);
}

/** A fresh state and its PKCE challenge; the verifier is stored sealed under the state's id. */
export async function issueState(
  service: SupabaseClient,
  who: { userId: string; shopId: string; platform: OAuthPlatform },
): Promise<IssuedState> {
  const id = randomUUID();
  // RFC 7636: 43 to 128 characters of [A-Za-z0-9-._~]; 64 random bytes base64url is 86.
  const verifier = randomBytes(64).toString("base64url");
  const digest = createHash("sha256").update(verifier).digest();
  const expiresAt = new Date(Date.now() + OAUTH_WINDOW_SECONDS * 1000);
  const saved = await service.from("channel_oauth_states").insert({
    id,
    shop_id: who.shopId,
    user_id: who.userId,
    platform: who.platform,
    verifier_sealed: sealPersonalData(verifier, VERIFIER_SEALED),
    expires_at: expiresAt.toISOString(),
  });
  if (saved.error) throw new Error(`saving an OAuth state failed: ${saved.error.code}`);
  const state = await new SignJWT({ shop: who.shopId, plt: who.platform })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(who.userId)
    .setJti(id)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key());
  return {
    state,
    challenge: digest.toString("base64url"),
    challengeHex: digest.toString("hex"),
  };
}

const Claims = z.object({
  sub: z.uuid(),
  jti: z.uuid(),
  shop: z.uuid(),
  plt: z.enum(["facebook", "instagram", "tiktok"]),
});

const Row = z.object({
  id: z.uuid(),
  shop_id: z.uuid(),
  user_id: z.uuid(),
  platform: z.string(),
  verifier_sealed: z.string(),
});

/**
 * Verifies the state for this callback's platform and uses it up; StateError when it is
 * missing, forged, for another platform, expired or already used.
 */
export async function consumeState(
  service: SupabaseClient,
  state: string | undefined,
  platform: OAuthPlatform,
): Promise<StateClaims> {
  if (!state) throw new StateError("state_missing");
  let claims: z.infer<typeof Claims>;
  try {
    const { payload } = await jwtVerify(state, key(), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["HS256"],
    });
    claims = Claims.parse(payload);
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new StateError("state_expired");
    throw new StateError("state_invalid");
  }
  if (claims.plt !== platform) throw new StateError("state_invalid");
  const { data, error } = await service
    .from("channel_oauth_states")
    .delete()
    .eq("id", claims.jti)
    .select("id, shop_id, user_id, platform, verifier_sealed");
  if (error) throw new Error(`using an OAuth state failed: ${error.code}`);
  const [row] = z.array(Row).parse(data);
  if (!row) throw new StateError("state_used");
  if (row.user_id !== claims.sub || row.shop_id !== claims.shop || row.platform !== platform) {
    throw new StateError("state_invalid");
  }
  return {
    id: row.id,
    userId: row.user_id,
    shopId: row.shop_id,
    platform,
    verifier: openPersonalData(row.verifier_sealed, VERIFIER_SEALED),
  };
}
