// Personal data the business must protect (customer names, emails, phones, OAuth tokens) is
// stored sealed: AES-256-GCM under a key id written into the value, so keys rotate without
// rewriting everything at once (npm run reencrypt moves old values along). A column that must be searched by value gets a keyed hash beside it (lookupHash): equal
// inputs give equal hashes, and without the key nobody can test a guess against them.
//
// Keys come from PERSONAL_DATA_KEYS and PERSONAL_DATA_HMAC_KEY (see keyring.ts and
// .env.example), read once per process, on first use, and never logged. With neither set:
// - on the local stack (BASTION_LOCAL_STACK=1), built-in development keys, public and logged as
//   such, so `npm run dev` and the tests need no setup. Their key id is "dev", which real keys
//   may not use, so what was sealed under them never opens once real keys are set;
// - anywhere else the function refuses to serve at all (lib/http/startup-check.ts, with
//   /api/health naming the missing keys), and every call here answers 503
//   provider_not_configured for code that runs outside a function: a public key would protect
//   nothing.
// A value that is set but unusable (short key, duplicate key id, bad base64, only one of the
// two set) is refused in every environment, with the reason logged: falling back to the public
// key would seal real data under it without a word.
import { env, localStackEnabled, requireConfig } from "../env.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { developmentKeyring, type PersonalDataKeyring, parseKeyring } from "./keyring.js";
import { PersonalDataConfigError } from "./personal-data-errors.js";
import { hash, open, seal, sealedKeyId } from "./sealed-value.js";

export { PersonalDataError, type PersonalDataFailure } from "./personal-data-errors.js";

const FEATURE = "Personal data encryption";

/** Why there is no keyring: both variables missing (in production), or set but invalid. */
type Refusal = "missing" | "invalid";

let loaded: PersonalDataKeyring | Refusal | undefined;

function keyring(): PersonalDataKeyring {
  loaded ??= loadKeyring();
  if (loaded === "missing") {
    // Logs provider_not_configured and throws the 503, as every unconfigured provider does.
    requireConfig(FEATURE, "PERSONAL_DATA_KEYS", "PERSONAL_DATA_HMAC_KEY");
  }
  if (typeof loaded === "string") {
    throw new ApiError("provider_not_configured", `${FEATURE} is not configured on this server.`);
  }
  return loaded;
}

function loadKeyring(): PersonalDataKeyring | Refusal {
  const { PERSONAL_DATA_KEYS: keys, PERSONAL_DATA_HMAC_KEY: hmacKey } = env();
  if (keys === undefined && hmacKey === undefined) {
    // Only the local stack may use the public development keys.
    if (!localStackEnabled()) return "missing";
    log.warn("personal_data_development_keys", {
      reason:
        "PERSONAL_DATA_KEYS and PERSONAL_DATA_HMAC_KEY are not set: personal data is sealed under the built-in development keys, which are public. Production refuses to run this way.",
    });
    return developmentKeyring();
  }
  try {
    return parseKeyring(keys, hmacKey);
  } catch (error) {
    if (!(error instanceof PersonalDataConfigError)) throw error;
    log.error("personal_data_keys_invalid", { reason: error.message });
    return "invalid";
  }
}

/**
 * Seals `plaintext` for one place in the schema, named by `context` ("bookings.customer_email"):
 * opening needs the same context. Two seals of the same text differ (random IV), so compare
 * values with lookupHash, never by their sealed form. Throws ApiError 503 when the keys are not
 * configured (see above) and TypeError for a malformed context or ill-formed Unicode.
 */
export function sealPersonalData(plaintext: string, context: string): string {
  return seal(keyring(), plaintext, context);
}

/**
 * The text sealPersonalData sealed with the same context. Throws PersonalDataError when the value
 * is malformed, names a key id this server does not hold, was altered, or belongs to another
 * context; it never returns anything but the original text.
 */
export function openPersonalData(sealed: string, context: string): string {
  return open(keyring(), sealed, context);
}

/**
 * The hex HMAC-SHA256 to store beside a sealed value that must be found by value, and to query
 * with. Different per context and per PERSONAL_DATA_HMAC_KEY. `value` is hashed as given:
 * normalize it first (normalizeEmail for emails), the same way on write and on lookup.
 */
export function lookupHash(value: string, context: string): string {
  return hash(keyring(), value, context);
}

/**
 * An email as compared for lookups: trimmed, Unicode NFC, lower-cased. Nothing
 * provider-specific (dots and "+tags" stay): two addresses that differ there may be two people.
 */
export function normalizeEmail(email: string): string {
  return email.trim().normalize("NFC").toLowerCase();
}

/** The key id new values are sealed under; e.g. to select rows still under an older one. */
export function currentPersonalDataKeyId(): string {
  return keyring().currentKeyId;
}

/**
 * Whether `sealed` is under another key than the current one. Looks at the key id only (no
 * decryption); throws PersonalDataError "malformed" for what is not a sealed value.
 */
export function needsReencryption(sealed: string): boolean {
  return sealedKeyId(sealed) !== keyring().currentKeyId;
}

/**
 * `sealed` under the current key, same context; returned unchanged when already there (no
 * needless write). Throws PersonalDataError as openPersonalData does.
 */
export function reencrypt(sealed: string, context: string): string {
  const keys = keyring();
  if (sealedKeyId(sealed) === keys.currentKeyId) return sealed;
  return seal(keys, open(keys, sealed, context), context);
}

/** Column → context, for the columns of a row that hold sealed values. */
export type SealedColumns<Row> = { readonly [Column in keyof Row]?: string };

/**
 * For key rotation: after a new key is put first in PERSONAL_DATA_KEYS, the re-encrypt script
 * reads rows in batches, passes them here with the sealed columns' contexts, and writes back
 * what it returns. Returns copies of only the rows that changed, every listed column under the
 * current key; null and undefined columns are skipped (optional personal data). Throws
 * PersonalDataError at the first value that does not open: the old key must stay until that
 * row is dealt with. The caller should update each row only if it still holds the value read
 * (e.g. `where id = $1 and customer_email = $old`), or a concurrent edit could be overwritten.
 */
export function reencryptAll<Row extends object>(
  rows: Iterable<Row>,
  columns: SealedColumns<Row>,
): Row[] {
  const entries = Object.entries(columns) as [keyof Row & string, string | undefined][];
  const changed: Row[] = [];
  for (const row of rows) {
    let copy: Row | undefined;
    for (const [column, context] of entries) {
      const value: unknown = row[column];
      if (context === undefined || value === null || value === undefined) continue;
      if (typeof value !== "string") {
        throw new TypeError(`Column "${column}" should hold a sealed string.`);
      }
      const resealed = reencrypt(value, context);
      if (resealed === value) continue;
      copy ??= { ...row };
      copy[column] = resealed as Row[keyof Row & string];
    }
    if (copy !== undefined) changed.push(copy);
  }
  return changed;
}
