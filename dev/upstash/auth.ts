// The endpoint's only gate: `Authorization: Bearer <token>`, as Upstash checks it.
import { createHash, timingSafeEqual } from "node:crypto";

/** Returns a check that compares the presented bearer token with `token` in constant time. */
export function bearerTokenCheck(token: string): (request: Request) => boolean {
  // Comparing digests rather than the strings keeps the lengths equal, so neither the
  // token's content nor its length leaks through timing.
  const expected = digest(token);
  return (request) => {
    const header = request.headers.get("authorization") ?? "";
    const presented = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
    return timingSafeEqual(digest(presented), expected);
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}
