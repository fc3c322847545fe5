// The sealed format and the crypto behind it, given a keyring (personal-data.ts supplies the
// configured one). A sealed value is one ASCII string, safe in a text column:
//
//   v1.<key id>.<iv>.<ciphertext>.<tag>        (iv, ciphertext and tag in base64url)
//
// AES-256-GCM with a random 96-bit IV per value and a 128-bit tag. The additional authenticated
// data binds the version, the key id and the caller's context (e.g. "bookings.customer_email"):
// a value copied into another column, or with its key id swapped, fails to open.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  type KeyObject,
  randomBytes,
} from "node:crypto";
import { KEY_ID, type PersonalDataKeyring } from "./keyring.js";
import { PersonalDataError } from "./personal-data-errors.js";

const VERSION = "v1";
const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** "table.column" and the like: names a place in the schema, never data. */
const CONTEXT = /^[A-Za-z0-9_.:-]{1,128}$/;

/** A context is chosen by code, not by a request: a bad one is a programming error. */
function checkContext(context: string): void {
  if (!CONTEXT.test(context)) {
    throw new TypeError(
      'A personal-data context must be 1 to 128 letters, digits, ".", "_", ":" or "-" (e.g. "bookings.customer_email").',
    );
  }
}

/** NUL cannot occur in a key id or a context, so the parts cannot run into each other. */
function additionalData(keyId: string, context: string): Buffer {
  return Buffer.from(`bastion personal data ${VERSION}\0${keyId}\0${context}`, "utf8");
}

export function seal(keyring: PersonalDataKeyring, plaintext: string, context: string): string {
  checkContext(context);
  // A lone surrogate would be sealed as U+FFFD and open as something else than was sealed.
  if (/\p{Cs}/u.test(plaintext)) {
    throw new TypeError("Personal data to seal must be well-formed Unicode text.");
  }
  const keyId = keyring.currentKeyId;
  const key = keyring.keys.get(keyId) as KeyObject;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(keyId, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, keyId, iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

export function open(keyring: PersonalDataKeyring, sealed: string, context: string): string {
  checkContext(context);
  const { keyId, iv, ciphertext, tag } = parse(sealed);
  const key = keyring.keys.get(keyId);
  if (key === undefined) {
    throw new PersonalDataError(
      "unknown_key",
      `This value was sealed under key id "${keyId}", which this server does not hold.`,
    );
  }
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(keyId, context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new PersonalDataError(
      "authentication_failed",
      `This value does not open with context "${context}": it was altered, or sealed for another context.`,
    );
  }
}

/** The key id a sealed value names, after checking its shape (not its authenticity). */
export function sealedKeyId(sealed: string): string {
  return parse(sealed).keyId;
}

interface SealedParts {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function parse(sealed: string): SealedParts {
  const parts = sealed.split(".");
  const [version, keyId, iv, ciphertext, tag] = parts;
  if (
    parts.length !== 5 ||
    version !== VERSION ||
    keyId === undefined ||
    !KEY_ID.test(keyId) ||
    iv === undefined ||
    ciphertext === undefined ||
    tag === undefined
  ) {
    throw malformed();
  }
  const ivBytes = decodePart(iv);
  const tagBytes = decodePart(tag);
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw malformed();
  return { keyId, iv: ivBytes, ciphertext: decodePart(ciphertext), tag: tagBytes };
}

/**
 * Strict and canonical: Buffer.from skips unknown characters and ignores the spare bits of the
 * last one, so two different strings could otherwise open to the same value.
 */
function decodePart(text: string): Buffer {
  if (!BASE64URL.test(text)) throw malformed();
  const bytes = Buffer.from(text, "base64url");
  if (bytes.toString("base64url") !== text) throw malformed();
  return bytes;
}

const malformed = () =>
  new PersonalDataError("malformed", `This is not a sealed personal-data value (${VERSION}).`);

/**
 * HMAC-SHA256 of `value` under the lookup key, in hex, domain-separated by `context`: the same
 * email gives unrelated hashes in two columns. The value is hashed exactly as given, so callers
 * normalize first (see normalizeEmail) or the same person may hash two ways.
 */
export function hash(keyring: PersonalDataKeyring, value: string, context: string): string {
  checkContext(context);
  return createHmac("sha256", keyring.hmacKey)
    .update(`bastion lookup hash ${VERSION}\0${context}\0`, "utf8")
    .update(value, "utf8")
    .digest("hex");
}
