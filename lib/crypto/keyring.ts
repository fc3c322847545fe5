// The keys personal data is sealed and hashed with, parsed from configuration:
//
//   PERSONAL_DATA_KEYS=k2:<base64 of 32 bytes>,k1:<base64 of 32 bytes>
//   PERSONAL_DATA_HMAC_KEY=<base64 of at least 32 bytes>
//
// The first key seals new values; every listed key still opens what it sealed, so a key is
// rotated by putting a new one first, re-encrypting (see reencryptAll), then removing the old.
// Keys are held as KeyObjects, which print and serialize as `{}`, so a stray log line or
// JSON.stringify cannot leak them; no message built here ever contains key material.
import { createHash, createSecretKey, type KeyObject } from "node:crypto";
import { PersonalDataConfigError } from "./personal-data-errors.js";

export interface PersonalDataKeyring {
  /** The key id new values are sealed under. */
  readonly currentKeyId: string;
  /** Every key id this server can open, the current one included. */
  readonly keys: ReadonlyMap<string, KeyObject>;
  /** Keys lookupHash. One key, no rotation: rotating it means recomputing every hash. */
  readonly hmacKey: KeyObject;
}

/** Key ids appear in every sealed value: short, and free of the format's "." separator. */
export const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** The development keyring's key id; refused in PERSONAL_DATA_KEYS so the two never mix. */
export const DEVELOPMENT_KEY_ID = "dev";

const AES_256_KEY_BYTES = 32;
const MIN_HMAC_KEY_BYTES = 32;

/**
 * Parses both variables; throws PersonalDataConfigError naming the variable and the entry
 * (position and key id) at fault. Both must be set: a real encryption key beside the public
 * development HMAC key (or the reverse) would protect nothing.
 */
export function parseKeyring(
  keysText: string | undefined,
  hmacKeyText: string | undefined,
): PersonalDataKeyring {
  const unset = (text: string | undefined) => text === undefined || text.trim() === "";
  if (unset(keysText) && unset(hmacKeyText)) {
    throw new PersonalDataConfigError("PERSONAL_DATA_KEYS and PERSONAL_DATA_HMAC_KEY are not set.");
  }
  if (keysText === undefined || unset(keysText)) {
    throw new PersonalDataConfigError(
      "PERSONAL_DATA_KEYS is not set but PERSONAL_DATA_HMAC_KEY is: set both, or neither (development only).",
    );
  }
  if (hmacKeyText === undefined || unset(hmacKeyText)) {
    throw new PersonalDataConfigError(
      "PERSONAL_DATA_HMAC_KEY is not set but PERSONAL_DATA_KEYS is: set both, or neither (development only).",
    );
  }
  const keys = parseEncryptionKeys(keysText);
  const hmacKey = decodeBase64(hmacKeyText.trim());
  if (hmacKey === undefined) {
    throw new PersonalDataConfigError("PERSONAL_DATA_HMAC_KEY is not valid base64.");
  }
  if (hmacKey.length < MIN_HMAC_KEY_BYTES) {
    throw new PersonalDataConfigError(
      `PERSONAL_DATA_HMAC_KEY must be at least ${MIN_HMAC_KEY_BYTES} bytes; it decodes to ${hmacKey.length}.`,
    );
  }
  if ([...keys.values()].some((key) => key.equals(hmacKey))) {
    throw new PersonalDataConfigError(
      "PERSONAL_DATA_HMAC_KEY must differ from every key in PERSONAL_DATA_KEYS.",
    );
  }
  const [currentKeyId] = keys.keys();
  if (currentKeyId === undefined) throw new PersonalDataConfigError("PERSONAL_DATA_KEYS is empty.");
  return {
    currentKeyId,
    keys: new Map([...keys].map(([kid, key]) => [kid, createSecretKey(key)])),
    hmacKey: createSecretKey(hmacKey),
  };
}

/** Key id → raw key, in the order listed (a Map keeps insertion order: the first is current). */
function parseEncryptionKeys(text: string): Map<string, Buffer> {
  const entries = text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) {
    throw new PersonalDataConfigError(
      'PERSONAL_DATA_KEYS lists no key: expected comma-separated "kid:base64key" entries.',
    );
  }
  const keys = new Map<string, Buffer>();
  entries.forEach((entry, index) => {
    const position = `PERSONAL_DATA_KEYS entry ${index + 1}`;
    const colon = entry.indexOf(":");
    // Without a valid key id the entry may be a bare key pasted in: name it by position only.
    if (colon < 0) throw new PersonalDataConfigError(`${position} is not "kid:base64key".`);
    const kid = entry.slice(0, colon).trim();
    if (!KEY_ID.test(kid)) {
      throw new PersonalDataConfigError(
        `${position}: the key id must be 1 to 32 letters, digits, "-" or "_".`,
      );
    }
    if (kid === DEVELOPMENT_KEY_ID) {
      throw new PersonalDataConfigError(
        `${position}: the key id "${DEVELOPMENT_KEY_ID}" is reserved for the development key.`,
      );
    }
    if (keys.has(kid)) {
      throw new PersonalDataConfigError(`${position}: the key id "${kid}" is listed twice.`);
    }
    const key = decodeBase64(entry.slice(colon + 1).trim());
    if (key === undefined) {
      throw new PersonalDataConfigError(`${position} ("${kid}"): the key is not valid base64.`);
    }
    if (key.length !== AES_256_KEY_BYTES) {
      throw new PersonalDataConfigError(
        `${position} ("${kid}"): the key must be exactly ${AES_256_KEY_BYTES} bytes; it decodes to ${key.length}.`,
      );
    }
    keys.set(kid, key);
  });
  return keys;
}

/**
 * Standard base64 (padded or not) or base64url, strictly: Buffer.from skips characters it does
 * not know, so a typo would otherwise yield a shorter or different key without a word.
 */
function decodeBase64(text: string): Buffer | undefined {
  const standard = /^[A-Za-z0-9+/]+={0,2}$/.test(text);
  const url = /^[A-Za-z0-9_-]+$/.test(text);
  if (!standard && !url) return undefined;
  const bytes = Buffer.from(text, standard ? "base64" : "base64url");
  const canonical = bytes.toString(standard ? "base64" : "base64url");
  return canonical.replace(/=+$/, "") === text.replace(/=+$/, "") ? bytes : undefined;
}

/**
 * For `npm run dev` and tests with nothing configured: keys derived from fixed, public strings,
 * so data sealed in one run opens in the next. Anyone with this source can open what they seal,
 * hence the reserved key id (such data never opens under real keys) and the refusal in
 * production (see personal-data.ts).
 */
export function developmentKeyring(): PersonalDataKeyring {
  const derive = (purpose: string) =>
    createSecretKey(createHash("sha256").update(`bastion development ${purpose}, public`).digest());
  return {
    currentKeyId: DEVELOPMENT_KEY_ID,
    keys: new Map([[DEVELOPMENT_KEY_ID, derive("personal-data encryption key")]]),
    hmacKey: derive("personal-data lookup hash key"),
  };
}
