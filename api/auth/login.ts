import * as z from "zod";
import { SessionView } from "../../lib/accounts/session.js";
import { login, SIGN_IN_REFUSAL_MIN_MS } from "../../lib/accounts/sessions.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import {
  type RateLimitWindow,
  SIGN_IN_FAILURE_LIMITS,
  windowMs,
} from "../../lib/limits/policies.js";

const { address, account } = SIGN_IN_FAILURE_LIMITS;
const minutes = (window: RateLimitWindow) => windowMs(window) / 60_000;

export default route({
  POST: endpoint(
    {
      summary: "Sign in with email and password",
      description: `Answers the session (refresh token in the httpOnly cookie only). A wrong password and an unknown address get the same 401, no sooner than ${SIGN_IN_REFUSAL_MIN_MS} ms after the request. Failed sign-ins are limited per account: ${address.limit} per ${minutes(address.window)} minutes from one address (a success there forgets them), and ${account.limit} per ${minutes(account.window)} minutes from all addresses together, which does not hold back an address the account signed in from within ${SIGN_IN_FAILURE_LIMITS.knownAddressDays} days; past either, 429 with Retry-After.`,
      tags: ["auth"],
      auth: "public",
      body: z.strictObject({ email: z.email().max(254), password: z.string().min(1).max(1024) }),
      response: SessionView,
      // Per IP here; failed passwords per account are limited by login() itself, which counts
      // failures only (lib/accounts/sign-in-limits.ts).
      limit: "auth",
      errors: ["invalid_credentials", "service_unavailable"],
      roundTrips: { database: 1, redis: 3 },
    },
    ({ body, ip, headers }) => login(body.email, body.password, ip, headers),
  ),
});
