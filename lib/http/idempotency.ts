// Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) for endpoints that create things:
// the same key with the same request replays the stored response and does the work once.
// The fingerprint covers method, path and body, so a key reused for another request is refused.
// It is a keyed hash (the personal-data lookup key): a body may hold a name and an email, and a
// plain hash of it in Redis would let anyone confirm a guess.
import { lookupHash } from "../crypto/personal-data.js";
import { runIdempotently } from "../idempotency/store.js";
import { ApiError } from "./errors.js";
import { withoutShownOnce } from "./shown-once.js";

export const IDEMPOTENCY_HEADER = "idempotency-key";

const FINGERPRINT_CONTEXT = "idempotency.fingerprint";

export async function withIdempotency(
  request: Request,
  options: {
    required: boolean;
    scope: string;
    rawBody: string;
    /** Response fields holding a secret shown once: a replay answers without them. */
    shownOnce?: readonly string[] | undefined;
  },
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
  const fingerprint = lookupHash(
    `${request.method} ${url.pathname}${url.search}\n${options.rawBody}`,
    FINGERPRINT_CONTEXT,
  );
  const { shownOnce } = options;
  const { response, replayed } = await runIdempotently(
    {
      scope: options.scope,
      key,
      fingerprint,
      ...(shownOnce?.length && { forReplay: (live) => withoutShownOnce(live, shownOnce) }),
    },
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
