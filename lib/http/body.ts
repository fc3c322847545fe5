// Reading a request body within a size limit. The declared Content-Length is checked before
// anything is read, and the stream is cut off at the limit, so a lying or absent length cannot
// make a function buffer more than it allows.
import { ApiError } from "./errors.js";

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Provider webhooks: a real event can be far larger than anything a browser sends (a Stripe
 * invoice with hundreds of lines), and a refused delivery is retried for days. 1 MB leaves room
 * for those while still bounding what one request can make a function buffer.
 */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

export function hasBody(request: Request): boolean {
  return request.method !== "GET" && request.method !== "HEAD" && request.method !== "OPTIONS";
}

export function checkDeclaredLength(request: Request, limitBytes: number): void {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limitBytes) throw tooLarge(limitBytes);
}

/**
 * Before the body is read, from the headers; again with `rawBody` once it is, unless the type was
 * JSON, because a chunked or HTTP/2 body declares no Content-Length and only the bytes tell
 * whether it was empty. Returns whether the Content-Type is JSON.
 */
export function requireJsonContentType(request: Request, rawBody?: string): boolean {
  const contentType = request.headers.get("content-type") ?? "";
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase();
  const isJson = mediaType === "application/json" || mediaType?.endsWith("+json") === true;
  if (isJson) return true;
  const empty =
    rawBody === undefined
      ? Number(request.headers.get("content-length") ?? 0) === 0
      : rawBody === "";
  if (contentType || !empty) {
    // Not guessed from the body: a browser sends a cross-site POST without a CORS preflight only
    // when its Content-Type is absent or text/plain, so reading those as JSON would let any
    // page post to the API with the visitor's cookies. Say exactly which header to add.
    throw new ApiError(
      "unsupported_media_type",
      `Send the JSON body with the header \`Content-Type: application/json\` (this request sent ${contentType ? `\`Content-Type: ${contentType.slice(0, 100)}\`` : "no Content-Type"}).`,
    );
  }
  return false;
}

export async function readBodyText(request: Request, limitBytes: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  const [only] = chunks;
  // A browser's small body arrives in one chunk: decoded where it lies, without a copy.
  if (chunks.length === 1 && only) {
    return Buffer.from(only.buffer, only.byteOffset, only.byteLength).toString("utf8");
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("malformed_json", "The body is not valid JSON.");
  }
}

function tooLarge(limitBytes: number): ApiError {
  return new ApiError("payload_too_large", `The body may be at most ${limitBytes} bytes.`);
}
