// What a settings document may hold, measured the way the database measures it. The table checks
// octet_length(document::text) <= 64 KB (supabase/migrations/20261121000100_accounts.sql), and
// jsonb's text is not JSON.stringify's: it puts a space after every ":" and ",", and writes
// numbers out in full (1e300 is 301 characters). Measuring the same way here lets the API answer
// 413 before a round trip, for exactly the documents the database would refuse.

export const SETTINGS_DOCUMENT_MAX_BYTES = 65_536;
/** Settings are shallow; a cap keeps every walk over a document (ours, Postgres') short. */
export const SETTINGS_DOCUMENT_MAX_DEPTH = 32;
/** A request carrying a whole document: the document, with room for the other fields. */
export const SETTINGS_BODY_LIMIT_BYTES = SETTINGS_DOCUMENT_MAX_BYTES + 4 * 1024;

/** Why a parsed JSON value cannot be stored as jsonb, or undefined when it can. */
export function unstorableReason(value: unknown): string | undefined {
  try {
    jsonbTextBytes(value);
    return undefined;
  } catch (error) {
    if (error instanceof Unstorable) return error.message;
    throw error;
  }
}

/** The size in bytes of the value's jsonb text (`document::text`); throws when unstorable. */
export function jsonbTextBytes(value: unknown, depth = 1): number {
  if (value === null) return 4;
  switch (typeof value) {
    case "boolean":
      return value ? 4 : 5;
    case "number":
      return numericTextLength(value);
    case "string":
      return stringBytes(value);
    case "object":
      if (depth > SETTINGS_DOCUMENT_MAX_DEPTH) {
        throw new Unstorable(`Nest objects and arrays at most ${SETTINGS_DOCUMENT_MAX_DEPTH} deep`);
      }
      return Array.isArray(value) ? arrayBytes(value, depth) : objectBytes(value, depth);
    default:
      throw new Unstorable(`A ${typeof value} is not JSON`);
  }
}

/** `[a, b]` */
function arrayBytes(items: unknown[], depth: number): number {
  let bytes = 2 + separators(items.length);
  for (const item of items) bytes += jsonbTextBytes(item, depth + 1);
  return bytes;
}

/** `{"a": 1, "b": 2}` */
function objectBytes(object: object, depth: number): number {
  const entries = Object.entries(object);
  let bytes = 2 + separators(entries.length);
  for (const [key, item] of entries) {
    // zod drops a "__proto__" key when it copies an object, so it could not arrive intact.
    if (key === "__proto__") throw new Unstorable('"__proto__" cannot be a key');
    bytes += stringBytes(key) + 2 + jsonbTextBytes(item, depth + 1);
  }
  return bytes;
}

function separators(count: number): number {
  return count > 1 ? 2 * (count - 1) : 0;
}

/** Postgres escapes strings as JSON.stringify does, once NUL and lone surrogates are excluded. */
function stringBytes(text: string): number {
  if (text.includes("\0")) throw new Unstorable("Text cannot contain the NUL character (\\u0000)");
  if (LONE_SURROGATE.test(text)) throw new Unstorable("Text must be valid Unicode");
  return Buffer.byteLength(JSON.stringify(text));
}

/** With the u flag a surrogate pair is one code point, so \p{Cs} matches only a lone half. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * JavaScript writes numbers from 1e21 up and below 1e-6 with an exponent; numeric writes the
 * digits out: 1.5e+22 → 15000000000000000000000, 1.5e-7 → 0.00000015.
 */
function numericTextLength(value: number): number {
  if (!Number.isFinite(value)) throw new Unstorable("Numbers must be finite");
  const text = JSON.stringify(value);
  const exponential = /^(-?)\d(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!exponential) return text.length;
  const [, sign = "", fraction = "", power = "0"] = exponential;
  const exponent = Number(power);
  if (exponent < 0) return sign.length + "0.".length + fraction.length - exponent;
  const fractionDigits = Math.max(0, fraction.length - exponent);
  return sign.length + 1 + exponent + (fractionDigits > 0 ? 1 + fractionDigits : 0);
}

class Unstorable extends Error {}
