// OAuth sign-in for a browser extension (chrome.identity.launchWebAuthFlow and Firefox's
// browser.identity.launchWebAuthFlow). The extension opens
// GET /api/auth/oauth/{provider}?extensionId=<id>&codeChallenge=<S256 of a verifier it keeps>;
// the flow runs as the web app's does (Bastion's own PKCE with Supabase Auth, its verifier in
// the flow window's cookie, Supabase returning to APP_URL's callback), and the callback then
// sends the window to the extension's own redirect URL (lib/auth/extensions.ts), which the
// browser intercepts and never loads, with `#handoff=<sealed>`: the new session's refresh token,
// sealed with the personal-data key, bound to the extension's challenge and valid 2 minutes.
// The extension redeems it with POST /api/auth/oauth/token {handoff, codeVerifier} from its own
// origin and gets a session with the refresh token it keeps. A handoff that leaks (a log of
// the flow window, another extension seeing the URL) is useless without the verifier, and the
// redemption rotates the token inside it, so a second redemption ends the whole session
// (Supabase Auth's reuse detection).
import { createHash } from "node:crypto";
import * as z from "zod";
import { extensionOrigin, extensionRedirectUrl } from "../auth/extensions.js";
import { openPersonalData, sealPersonalData } from "../crypto/personal-data.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { authClient } from "./auth-client.js";
import type { OAuthFailure, SignedIn } from "./oauth.js";
import { sessionResponse } from "./session.js";
import { authUnavailable } from "./sessions.js";

const HANDOFF_CONTEXT = "oauth.extension_handoff";
const HANDOFF_LIFETIME_SECONDS = 120;
const PKCE_VALUE = /^[\w.~-]{43,128}$/;

export interface ExtensionSignIn {
  id: string;
  challenge: string;
}

/** The start's query for an extension: both or neither. */
export const ExtensionOAuthQuery = {
  extensionId: z
    .string()
    .max(200)
    .optional()
    .describe("A browser extension in ALLOWED_EXTENSION_IDS signing in with launchWebAuthFlow"),
  codeChallenge: z
    .string()
    .regex(/^[\w-]{43}$/, "base64url(SHA-256(code verifier)), 43 characters")
    .optional()
    .describe("With extensionId: the S256 challenge of the verifier the extension keeps"),
};

/** The extension sign-in the start's query asks for, or 400 for an unknown extension. */
export function extensionSignIn(query: {
  extensionId?: string;
  codeChallenge?: string;
}): ExtensionSignIn | undefined {
  if (query.extensionId === undefined && query.codeChallenge === undefined) return undefined;
  if (query.extensionId === undefined || query.codeChallenge === undefined) {
    throw new ApiError("validation_failed", "Send extensionId and codeChallenge together.", {
      errors: { extensionId: ["Send extensionId and codeChallenge together."] },
    });
  }
  if (extensionRedirectUrl(query.extensionId) === undefined) {
    throw new ApiError("validation_failed", "This extension may not sign in here.", {
      errors: { extensionId: ["Not an allowed extension"] },
    });
  }
  return { id: query.extensionId, challenge: query.codeChallenge };
}

/** Where the callback sends an extension's flow window: its redirect URL, with the outcome. */
export function extensionLanding(
  extension: ExtensionSignIn,
  outcome: SignedIn | OAuthFailure,
): string {
  const redirect = extensionRedirectUrl(extension.id);
  // Allowlisted when the flow started; removed since, it gets nothing.
  if (redirect === undefined) return "/?authError=failed";
  if (typeof outcome === "string") return `${redirect}#authError=${outcome}`;
  const handoff = sealPersonalData(
    JSON.stringify({
      refreshToken: outcome.refreshToken,
      challenge: extension.challenge,
      expiresAt: Math.floor(Date.now() / 1000) + HANDOFF_LIFETIME_SECONDS,
    }),
    HANDOFF_CONTEXT,
  );
  return `${redirect}#handoff=${encodeURIComponent(handoff)}`;
}

export const HandoffRedemption = z
  .strictObject({
    handoff: z.string().min(1).max(4096).describe("The `handoff` of the redirect URL's fragment"),
    codeVerifier: z
      .string()
      .regex(PKCE_VALUE, "The PKCE code verifier, 43–128 characters")
      .describe("The verifier whose challenge started the sign-in"),
  })
  .meta({ id: "ExtensionHandoff" });
export type HandoffRedemption = z.infer<typeof HandoffRedemption>;

const Handoff = z.object({
  refreshToken: z.string().min(1),
  challenge: z.string(),
  expiresAt: z.number(),
});

/** POST /api/auth/oauth/token: the extension's session for a handoff and its verifier. */
export async function redeemHandoff(
  headers: Headers,
  { handoff, codeVerifier }: HandoffRedemption,
): Promise<Response> {
  if (!extensionOrigin(headers)) {
    throw new ApiError("origin_not_allowed", "Only an allowed browser extension redeems this.");
  }
  const opened = openHandoff(handoff);
  const challenge = createHash("sha256").update(codeVerifier).digest("base64url");
  if (!opened || opened.expiresAt < Date.now() / 1000 || opened.challenge !== challenge) {
    log.info("oauth_refused", { error: opened ? "handoff_mismatch" : "handoff_invalid" });
    throw new ApiError("bad_request", "This sign-in has expired or is not yours: start again.");
  }
  const client = authClient();
  const { data, error } = await client.auth.refreshSession({ refresh_token: opened.refreshToken });
  if (error || !data.session) {
    if (error?.status !== undefined && error.status >= 500) throw authUnavailable("refresh", error);
    // A second redemption replays a rotated token: Supabase Auth ended the session.
    log.info("oauth_refused", { error: "handoff_reused", code: error?.code });
    throw new ApiError("bad_request", "This sign-in has expired or is not yours: start again.");
  }
  return sessionResponse(data.session, 200, headers);
}

function openHandoff(handoff: string): z.infer<typeof Handoff> | undefined {
  try {
    const parsed = Handoff.safeParse(JSON.parse(openPersonalData(handoff, HANDOFF_CONTEXT)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
