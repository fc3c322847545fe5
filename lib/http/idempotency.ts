// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) for endpoints that create things:
// the same key with the same request replays the stored response and does the work once.
// The fingerprint covers method, path and body, so a key reused for another request is refused.
import { createHash } from "node:crypto";
import { runIdempotently } from "../idempotency/store.js";
import { ApiError } from "./errors.js";

export const IDEMPOTENCY_HEADER = "idempotency-key";

export async function withIdempotency(
  request: Request,
  options: { required: boolean; scope: string; rawBody: string },
  respond: () => Promise<Response>,
): Promise<Response> {
  const key = request.headers.get(IDEMPOTENCY_HEADER);
  if (key === null) {
    if (options.required) {
      throw new ApiError(
        "idempotency_key_missing",
        "Send an Idempotency-Key header (a fresh UUID per operation) so a retry cannot do it twice.",
      );
    }
    return respond();
  }
  const url = new URL(request.url);
  const fingerprint = createHash("sha256")
    .update(`${request.method} ${url.pathname}${url.search}\n${options.rawBody}`)
    .digest("hex");
  const { response, replayed } = await runIdempotently(
    { scope: options.scope, key, fingerprint },
    async () => {
      const live = await respond();
      return {
        status: live.status,
        headers: Object.fromEntries(live.headers),
        body: await live.text(),
      };
    },
  );
  const headers = new Headers(response.headers);
  if (replayed) headers.set("idempotent-replayed", "true");
  return new Response(response.status === 204 ? null : response.body, {
    status: response.status,
    headers,
  });
}
