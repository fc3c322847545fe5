// The request id ties a response, its log lines and a support ticket together. On Vercel it is
// the platform's own x-vercel-id, so it also matches the platform's logs.
import { randomUUID } from "node:crypto";

const SAFE_ID = /^[\w:.-]{1,128}$/;

export function requestIdOf(request: Request): string {
  const platformId = request.headers.get("x-vercel-id");
  return platformId && SAFE_ID.test(platformId) ? platformId : randomUUID();
}
