// Human booking references: 8 characters from 31 that cannot be confused when read aloud or
// typed (no 0/O, 1/I/L), drawn with the CSPRNG: 31^8 ≈ 8.5·10^11, so one cannot be guessed
// from another, and a clash (retried) is rare. The database checks the same alphabet.
import { randomInt } from "node:crypto";

export const REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const REFERENCE_LENGTH = 8;

export function newBookingReference(): string {
  let reference = "";
  for (let i = 0; i < REFERENCE_LENGTH; i++) {
    reference += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  }
  return reference;
}
