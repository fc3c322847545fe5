// The two ways personal-data crypto fails. Neither message ever holds a plaintext, a sealed
// value or key material: both can reach logs (an unhandled error is logged with its message).

/**
 * A sealed value that does not open: `malformed` (not the v1 format), `unknown_key` (sealed
 * under a key id this server does not hold: a key removed before its data was re-encrypted, or
 * development data meeting real keys), `authentication_failed` (tampered, or opened with
 * another context than it was sealed with, e.g. copied from another column). Never garbage.
 */
export type PersonalDataFailure = "malformed" | "unknown_key" | "authentication_failed";

export class PersonalDataError extends Error {
  override readonly name = "PersonalDataError";

  constructor(
    readonly reason: PersonalDataFailure,
    message: string,
  ) {
    super(message);
  }
}

/**
 * PERSONAL_DATA_KEYS or PERSONAL_DATA_HMAC_KEY is set but not usable. The message says which
 * variable and which entry (by position and key id), never the key itself.
 */
export class PersonalDataConfigError extends Error {
  override readonly name = "PersonalDataConfigError";
}
