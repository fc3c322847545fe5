// Turns a Redis reply (as ioredis hands it over with Buffer strings) into the JSON value the
// Upstash REST API puts in `result`.

/**
 * With `base64`, every string is sent as the base64 of its bytes, recursively inside arrays,
 * which is what `Upstash-Encoding: base64` asks for; integers and null stay as they are.
 * Without it, strings are sent as UTF-8 text.
 */
export function toJsonReply(reply: unknown, base64: boolean): unknown {
  if (reply === null || reply === undefined) return null;
  if (Array.isArray(reply)) return reply.map((item) => toJsonReply(item, base64));
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString("base64") : reply.toString("utf8");
  if (typeof reply === "string") return base64 ? Buffer.from(reply).toString("base64") : reply;
  // An error nested in an array (a script returning redis.error_reply inside a table) has no
  // `error` slot of its own, so it travels as its message, encoded like any string so that the
  // client decodes it back.
  if (reply instanceof Error) return toJsonReply(reply.message, base64);
  return reply;
}
