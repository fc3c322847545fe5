// Passwords as GoTrue keeps them: bcrypt at cost 10, at least 6 characters (the Supabase CLI's
// minimum_password_length), at most 72 bytes because bcrypt ignores everything after that.
import bcrypt from "bcryptjs";
import { AuthError, unprocessable } from "./errors.js";

const BCRYPT_COST = 10;
const MIN_LENGTH = 6;
const MAX_BYTES = 72;

/** Throws GoTrue's weak_password error (with the reasons auth-js reads) for a too-short password. */
export function checkPasswordStrength(password: string): void {
  if (Buffer.byteLength(password) > MAX_BYTES) {
    throw unprocessable(
      "validation_failed",
      `Password cannot be longer than ${MAX_BYTES} characters`,
    );
  }
  if (password.length < MIN_LENGTH) {
    throw new AuthError(
      422,
      "weak_password",
      `Password should be at least ${MIN_LENGTH} characters.`,
      { weak_password: { reasons: ["length"] } },
    );
  }
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, BCRYPT_COST);
}

export async function passwordMatches(password: string, hash: string | null): Promise<boolean> {
  return hash ? bcrypt.compare(password, hash) : false;
}
