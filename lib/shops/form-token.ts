// Bot resistance for public forms: GET the form to receive a token (when it was issued, signed
// with the personal-data HMAC key for this form); the submission must bring it back no sooner than
// MIN_FILL_SECONDS (people take longer to fill a form; scripts post at once) and within a day.
// With the honeypot field (`website`, hidden by the form's page, which only bots fill) and the
// per-address rate limit, this keeps drive-by spam out without a third-party CAPTCHA.
import { timingSafeEqual } from "node:crypto";
import { lookupHash } from "../crypto/personal-data.js";

export const MIN_FILL_SECONDS = 3;
const MAX_AGE_SECONDS = 24 * 60 * 60;
const CONTEXT = "shops.form_token";

function signature(formId: string, issuedAtMs: number): string {
  return lookupHash(`${formId}|${issuedAtMs}`, CONTEXT);
}

export function issueFormToken(formId: string, issuedAtMs = Date.now()): string {
  return `${issuedAtMs}.${signature(formId, issuedAtMs)}`;
}

export type FormTokenProblem = "invalid" | "too_fast" | "expired";

export function checkFormToken(
  formId: string,
  token: string,
  nowMs = Date.now(),
): FormTokenProblem | null {
  const match = /^(\d{13})\.([A-Za-z0-9_=+/-]{16,200})$/.exec(token);
  if (!match) return "invalid";
  const issuedAtMs = Number(match[1]);
  const expected = Buffer.from(signature(formId, issuedAtMs));
  const given = Buffer.from(match[2] as string);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return "invalid";
  const age = (nowMs - issuedAtMs) / 1000;
  if (age < MIN_FILL_SECONDS) return "too_fast";
  if (age > MAX_AGE_SECONDS) return "expired";
  return null;
}
