// Structured logs: one JSON line per event through console.info/warn/error, which Vercel keeps
// per request (and vitest shows only for failing tests). Everything passes through redact() first: tokens, cookies, passwords, emails, phone
// numbers and card-like numbers never reach a log line.

type Level = "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

const SECRET_KEY = /authorization|cookie|token|secret|password|passwd|api[-_]?key|signature|^key$/i;
const PERSONAL_KEY = /e-?mail|phone|card|pan|cvc|cvv/i;
const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
/** 13–19 digits, optionally grouped by spaces or dashes, passing the Luhn check: card numbers. */
const CARD_LIKE = /(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/g;
/** `password=…`, `token: …` inside free text such as an error message. */
const SECRET_ASSIGNMENT =
  /\b(password|passwd|secret|token|api[-_]?key|authorization)(\s*[=:]\s*)("[^"]*"|\S+)/gi;
/** +, then 8–15 digits with optional separators: E.164-like phone numbers. */
const PHONE = /\+\d(?:[ -]?\d){7,14}\b/g;
const CARD_MIN_DIGITS = 13;

export function redact(value: unknown, key = "", depth = 0): unknown {
  if (value === null || value === undefined) return value;
  if (key !== "" && isRedactedKey(key)) return "[redacted]";
  if (typeof value === "string") return redactText(value);
  if (typeof value !== "object") return value;
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redact(value.message, "", depth + 1),
      stack: redact(value.stack, "", depth + 1),
    };
  }
  if (depth > 5) return "[truncated]";
  if (Array.isArray(value)) return value.map((item) => redact(item, "", depth + 1));
  return redactFields(value as LogFields, {}, depth + 1);
}

/** Copies each field of `fields` into `into`, redacted as a field `depth` deep. */
function redactFields(fields: LogFields, into: LogFields, depth: number): LogFields {
  for (const name of Object.keys(fields)) into[name] = redact(fields[name], name, depth);
  return into;
}

/** Field names repeat on every line: each is judged once (at most 500 kept). */
const redactedKeys = new Map<string, boolean>();

function isRedactedKey(key: string): boolean {
  let redacted = redactedKeys.get(key);
  if (redacted === undefined) {
    redacted = SECRET_KEY.test(key) || PERSONAL_KEY.test(key);
    if (redactedKeys.size < 500) redactedKeys.set(key, redacted);
  }
  return redacted;
}

/**
 * Each pattern is tried only on text holding a character it cannot match without: most values
 * in a log line (ids, paths, methods) hold none, and every request writes one.
 */
function redactText(text: string): string {
  let redacted = text;
  if (redacted.includes("eyJ")) redacted = redacted.replace(JWT, "[redacted-token]");
  if (redacted.includes("@")) redacted = redacted.replace(EMAIL, "[redacted-email]");
  if (redacted.includes("=") || redacted.includes(":")) {
    redacted = redacted.replace(SECRET_ASSIGNMENT, "$1$2[redacted]");
  }
  if (holdsDigits(redacted, CARD_MIN_DIGITS)) {
    redacted = redacted.replace(CARD_LIKE, (match) =>
      passesLuhn(match) ? "[redacted-number]" : match,
    );
  }
  if (redacted.includes("+")) redacted = redacted.replace(PHONE, "[redacted-phone]");
  return redacted;
}

function holdsDigits(text: string, count: number): boolean {
  let found = 0;
  for (let i = 0; i < text.length && found < count; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) found += 1;
  }
  return found >= count;
}

function passesLuhn(candidate: string): boolean {
  const digits = candidate.replace(/\D/g, "");
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

function write(level: Level, event: string, fields: LogFields): void {
  const entry = redactFields(fields, { level, time: new Date().toISOString(), event }, 1);
  console[level](JSON.stringify(entry));
}

export const log = {
  info: (event: string, fields: LogFields = {}) => write("info", event, fields),
  warn: (event: string, fields: LogFields = {}) => write("warn", event, fields),
  error: (event: string, fields: LogFields = {}) => write("error", event, fields),
};
