// The prose of the OpenAPI document: the introduction /docs shows above the operations (how to
// get and send a token, how errors look), and the line on each operation that says who may call
// it — Swagger UI shows the lock of `security` but not who the roles in `x-roles` are.

import { CSRF_HEADER } from "../accounts/csrf.js";
import { REFRESH_COOKIE } from "../accounts/refresh-cookie.js";
import type { AuthRequirement } from "../http/endpoint.js";

export const API_GUIDE = `The same-origin API a single-page app calls so that no secret reaches the browser.

## Signing in

1. \`POST /api/auth/login\` with \`{"email", "password"}\` (or \`POST /api/auth/register\` for a new account) answers the session: \`accessToken\`, a short-lived JWT, and \`expiresAt\` in Unix seconds. Keep the access token in memory only.
2. Send it on every call that shows a lock: \`Authorization: Bearer <accessToken>\`. On this page, press **Authorize** and paste it under **bearer**; it stays in this tab's memory and is gone when you reload.
3. The refresh token never appears in a body: it is the httpOnly cookie \`${REFRESH_COOKIE}\` (Secure, SameSite=Strict, Path=/api/auth). Before the access token expires, \`POST /api/auth/refresh\` from the app's own origin with the \`${CSRF_HEADER}\` header rotates the cookie and answers a new access token. \`POST /api/auth/logout\` ends the session (\`"scope": "global"\` ends every session of the user).

Some operations need a role as well as a signed-in user; their description says so (\`Requires role: staff\`) and \`x-roles\` lists the roles. Roles come from the user's \`app_metadata\`, which only the server can set; without one the answer is 403 \`forbidden\`. Booking, consent and payment operations also take guests: without a token they act for a guest, and a guest reads, pays for, changes or cancels a booking with the \`manageToken\` it was given, sent as the \`X-Booking-Token\` header.

Scheduled jobs (\`/api/cron/*\`) are called with \`GET\` by Vercel Cron (or by hand) with \`Authorization: Bearer <CRON_SECRET>\`, and with \`POST\` by the database (pg_net, from triggers and pg_cron jobs) with \`Authorization: Bearer <DATABASE_WEBHOOK_SECRET>\` (the **cronSecret** scheme), never by an app.

## Errors

Every error is \`application/problem+json\` (RFC 9457): \`type\`, \`title\`, \`status\`, \`detail\`, \`code\` and \`requestId\`, plus \`errors\` (field → messages) when \`code\` is \`validation_failed\`. Switch on \`code\`, never on the wording of \`title\` or \`detail\`. Quote \`requestId\` (also sent as the \`X-Request-Id\` header) when you report a problem. A 429 carries \`Retry-After\` in seconds. Each operation lists the codes it can answer with, with an example of each.

## Retries

Operations with an \`Idempotency-Key\` header take a fresh UUID per operation: a retry with the same key replays the first answer instead of doing the work twice.`;

/** Who may call the operation, in a sentence for its description. */
export function authNote(auth: AuthRequirement): string {
  if (auth === "public") return "**Auth:** none; anyone may call it.";
  if (auth === "optional") {
    return "**Auth:** optional. With `Authorization: Bearer <accessToken>` it acts for the signed-in user; without it, for a guest.";
  }
  if (auth === "cron") {
    return "**Auth:** scheduler only, `Authorization: Bearer <CRON_SECRET>` or `<DATABASE_WEBHOOK_SECRET>` (cronSecret).";
  }
  if (auth === "user") return "**Auth:** a signed-in user, `Authorization: Bearer <accessToken>`.";
  const roles = auth.join(" or ");
  return `**Auth:** Requires role: ${roles}. A signed-in user with the ${roles} role, \`Authorization: Bearer <accessToken>\`; others get 403 \`forbidden\`.`;
}
