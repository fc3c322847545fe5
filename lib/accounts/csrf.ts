// Refresh and logout act on the cookie, which the browser attaches by itself, so they must come
// from our own pages: the app's Origin (APP_URL's, never the Host the request names) or an
// allowlisted one, and a custom header that no cross-site form or simple request can carry,
// because sending it forces a CORS preflight we refuse.
import { appUrl } from "../env.js";
import { allowedOrigin } from "../http/cors.js";
import { ApiError } from "../http/errors.js";

export const CSRF_HEADER = "x-requested-with";

export function requireOwnOrigin(headers: Headers): void {
  const origin = headers.get("origin");
  const sameOrigin = origin !== null && origin === appUrl();
  if (!origin || !(sameOrigin || allowedOrigin(headers)) || !headers.get(CSRF_HEADER)) {
    throw new ApiError(
      "origin_not_allowed",
      `Call this from the app itself, with the ${CSRF_HEADER} header.`,
    );
  }
}
