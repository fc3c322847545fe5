// Registration and reset accept a password of 10–128 characters (and at most 72 bytes, bcrypt's
// limit) that is not the email address
// and not one of the most common passwords (NIST SP 800-63B: length and a blocklist, no
// composition rules).
import { COMMON_PASSWORDS } from "./common-passwords.js";

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;
const BCRYPT_MAX_BYTES = 72;

/** What is wrong with the password; empty when it is acceptable. */
export function checkPassword(password: string, email: string): string[] {
  const problems: string[] = [];
  if ([...password].length < PASSWORD_MIN)
    problems.push(`Use at least ${PASSWORD_MIN} characters.`);
  if ([...password].length > PASSWORD_MAX) problems.push(`Use at most ${PASSWORD_MAX} characters.`);
  // Supabase Auth hashes with bcrypt, which refuses more than 72 bytes (fewer characters when
  // they are outside ASCII).
  else if (Buffer.byteLength(password) > BCRYPT_MAX_BYTES) {
    problems.push("This password is too long once encoded; use fewer or simpler characters.");
  }
  const lowered = password.toLowerCase();
  const normalizedEmail = email.trim().toLowerCase();
  if (lowered === normalizedEmail || lowered === normalizedEmail.split("@")[0]) {
    problems.push("Do not use your email address as the password.");
  }
  if (COMMON_PASSWORDS.has(lowered)) problems.push("This password is too common; choose another.");
  return problems;
}
