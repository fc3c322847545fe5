// Reads the Idempotency-Key header. The IETF draft (draft-ietf-httpapi-idempotency-key-header)
// makes it a Structured Field string, `"8e03978e-40d5-43e8-bc93-6894a57f9324"`, while many
// clients send the bare value the way Stripe's API taught them; both forms name the same key.
import { ApiError } from "../http/errors.js";

const PRINTABLE_ASCII = /^[\x20-\x7e]{1,255}$/;
/** RFC 8941 sf-string: printable ASCII except `"` and `\`, which appear only escaped. */
const STRUCTURED_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;

/** The key itself (unquoted), or ApiError "bad_request" when the header value is not one. */
export function parseIdempotencyKey(header: string): string {
  const key = header.startsWith('"') ? unquote(header) : header;
  if (key === undefined || !PRINTABLE_ASCII.test(key)) {
    throw new ApiError(
      "bad_request",
      "The Idempotency-Key header must be 1 to 255 printable ASCII characters.",
    );
  }
  return key;
}

function unquote(header: string): string | undefined {
  return STRUCTURED_STRING.exec(header)?.[1]?.replace(/\\(["\\])/g, "$1");
}
