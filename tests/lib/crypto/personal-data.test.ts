// Sealing personal data under configured keys: what a sealed value hides, what it refuses to
// open as, how keys rotate, and the lookup hash. The module reads its keys once per process, so
// each scenario stubs the environment and imports a fresh copy.
import { randomBytes } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { captureLogs } from "../../helpers/log-capture.js";

type PersonalData = typeof import("../../../lib/crypto/personal-data.js");

const key = () => randomBytes(32).toString("base64");
const K1 = key();
const K2 = key();
const HMAC = key();
const CONTEXT = "bookings.customer_email";

/** A fresh lib/env and lib/crypto, reading the environment as stubbed now. */
async function load(keys: string, hmacKey = HMAC): Promise<PersonalData> {
  vi.resetModules();
  vi.stubEnv("VERCEL_ENV", "production");
  vi.stubEnv("PERSONAL_DATA_KEYS", keys);
  vi.stubEnv("PERSONAL_DATA_HMAC_KEY", hmacKey);
  return import("../../../lib/crypto/personal-data.js");
}

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

/** `sealed` with one bit of its part `index` (2 iv, 3 ciphertext, 4 tag) flipped. */
function flipBit(sealed: string, index: number): string {
  const parts = sealed.split(".");
  const bytes = Buffer.from(parts[index] ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[index] = bytes.toString("base64url");
  return parts.join(".");
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("sealing and opening", () => {
  let pd: PersonalData;
  beforeAll(async () => {
    pd = await load(`k1:${K1}`);
  });

  it.each([
    ["ASCII", "ada@example.com"],
    ["Unicode", "Zoë Ångström 李小龙 🙂 नमस्ते"],
    ["the empty string", ""],
  ])("round-trips %s", (_, text) => {
    const sealed = pd.sealPersonalData(text, CONTEXT);
    expect(sealed).toMatch(/^v1\.k1\.[\w-]{16}\.[\w-]*\.[\w-]{22}$/);
    expect(pd.openPersonalData(sealed, CONTEXT)).toBe(text);
  });

  it("seals the same text differently each time, and shows none of it", () => {
    const text = "ada.lovelace@example.com";
    const first = pd.sealPersonalData(text, CONTEXT);
    const second = pd.sealPersonalData(text, CONTEXT);
    expect(first).not.toBe(second);
    for (const sealed of [first, second]) {
      expect(sealed).not.toContain("ada");
      expect(sealed).not.toContain("example");
      expect(sealed).not.toContain(Buffer.from(text).toString("base64url").slice(0, 8));
    }
  });

  it("refuses to open under another context (a value copied to another column)", () => {
    const sealed = pd.sealPersonalData("ada@example.com", CONTEXT);
    const error = thrown(() => pd.openPersonalData(sealed, "bookings.customer_phone"));
    expect(error).toBeInstanceOf(pd.PersonalDataError);
    expect(error).toMatchObject({ reason: "authentication_failed" });
    expect(String((error as Error).message)).not.toContain("ada");
  });

  it.each([
    ["iv", 2],
    ["ciphertext", 3],
    ["tag", 4],
  ])("refuses a value whose %s was altered", (_, index) => {
    const sealed = pd.sealPersonalData("ada@example.com", CONTEXT);
    const error = thrown(() => pd.openPersonalData(flipBit(sealed, index), CONTEXT));
    expect(error).toBeInstanceOf(pd.PersonalDataError);
    expect(error).toMatchObject({ reason: "authentication_failed" });
  });

  it("refuses a value whose key id was altered, or names a key it does not hold", async () => {
    const both = await load(`k1:${K1},k2:${K2}`);
    const sealed = both.sealPersonalData("ada@example.com", CONTEXT);
    const swapped = sealed.replace(/^v1\.k1\./, "v1.k2.");
    expect(thrown(() => both.openPersonalData(swapped, CONTEXT))).toMatchObject({
      name: "PersonalDataError",
      reason: "authentication_failed",
    });
    const unknown = sealed.replace(/^v1\.k1\./, "v1.k9.");
    const error = thrown(() => both.openPersonalData(unknown, CONTEXT));
    expect(error).toBeInstanceOf(both.PersonalDataError);
    expect(error).toMatchObject({ reason: "unknown_key" });
    expect((error as Error).message).toContain('"k9"');
  });

  it("refuses what is not a sealed value, without echoing it", () => {
    const sealed = pd.sealPersonalData("ada@example.com", CONTEXT);
    const [, , iv, ciphertext, tag] = sealed.split(".");
    // A 16-byte tag fills 22 base64url characters with 4 bits to spare in the last one.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf((tag ?? "").at(-1) ?? "A");
    const noncanonicalTag = `${(tag ?? "").slice(0, -1)}${alphabet[last ^ 1]}`;
    const samples = [
      "",
      "ada@example.com",
      sealed.replace(/^v1/, "v2"),
      `${sealed}.extra`,
      sealed.split(".").slice(0, 4).join("."),
      `v1.k1.${iv}.${ciphertext}.${tag}=`,
      `v1.k1.${(iv ?? "").slice(1)}.${ciphertext}.${tag}`,
      `v1.k1.${iv}.${ciphertext}!.${tag}`,
      `v1.k 1.${iv}.${ciphertext}.${tag}`,
      // Same bytes, other spare bits in the last character: still not the string sealed.
      `v1.k1.${iv}.${ciphertext}.${noncanonicalTag}`,
    ];
    for (const sample of samples) {
      const error = thrown(() => pd.openPersonalData(sample, CONTEXT));
      expect(error, sample).toBeInstanceOf(pd.PersonalDataError);
      expect(error, sample).toMatchObject({ reason: "malformed" });
      expect((error as Error).message).not.toContain("ada");
    }
  });

  it("refuses a malformed context and ill-formed Unicode as programming errors", () => {
    expect(() => pd.sealPersonalData("x", "")).toThrow(TypeError);
    expect(() => pd.sealPersonalData("x", "bookings customer email")).toThrow(TypeError);
    expect(() => pd.sealPersonalData("broken \uD800 surrogate", CONTEXT)).toThrow(TypeError);
  });

  it("reads the keys once: a later change of the environment does not apply", () => {
    const sealed = pd.sealPersonalData("ada@example.com", CONTEXT);
    vi.stubEnv("PERSONAL_DATA_KEYS", `k2:${K2}`);
    expect(pd.openPersonalData(sealed, CONTEXT)).toBe("ada@example.com");
    expect(pd.currentPersonalDataKeyId()).toBe("k1");
  });
});

describe("key rotation", () => {
  it("opens values sealed under the previous key after a new key is put first", async () => {
    const before = await load(`k1:${K1}`);
    const sealed = before.sealPersonalData("ada@example.com", CONTEXT);
    const optional = before.sealPersonalData("+14155550100", "bookings.customer_phone");
    expect(before.needsReencryption(sealed)).toBe(false);
    expect(before.reencrypt(sealed, CONTEXT)).toBe(sealed);

    const after = await load(`k2:${K2}, k1:${K1}`);
    expect(after.currentPersonalDataKeyId()).toBe("k2");
    expect(after.openPersonalData(sealed, CONTEXT)).toBe("ada@example.com");
    expect(after.needsReencryption(sealed)).toBe(true);
    expect(after.sealPersonalData("x", CONTEXT)).toMatch(/^v1\.k2\./);

    const moved = after.reencrypt(sealed, CONTEXT);
    expect(moved).toMatch(/^v1\.k2\./);
    expect(after.needsReencryption(moved)).toBe(false);
    expect(after.openPersonalData(moved, CONTEXT)).toBe("ada@example.com");

    // The batch helper: only rows that changed come back, null columns untouched.
    const current = after.sealPersonalData("bo@example.com", CONTEXT);
    const rows = [
      { id: 1, email: sealed, phone: optional },
      { id: 2, email: current, phone: null },
      { id: 3, email: sealed, phone: null },
    ];
    const changed = after.reencryptAll(rows, {
      email: CONTEXT,
      phone: "bookings.customer_phone",
    });
    expect(changed.map((row) => row.id)).toEqual([1, 3]);
    expect(rows[0]?.email).toBe(sealed);
    for (const row of changed) {
      expect(after.needsReencryption(row.email)).toBe(false);
      expect(after.openPersonalData(row.email, CONTEXT)).toBe("ada@example.com");
    }
    expect(changed[0]?.phone).toMatch(/^v1\.k2\./);
    expect(after.openPersonalData(changed[0]?.phone ?? "", "bookings.customer_phone")).toBe(
      "+14155550100",
    );
    expect(changed[1]?.phone).toBeNull();

    // Once the old key is removed, what was not re-encrypted no longer opens.
    const retired = await load(`k2:${K2}`);
    expect(retired.openPersonalData(moved, CONTEXT)).toBe("ada@example.com");
    expect(thrown(() => retired.openPersonalData(sealed, CONTEXT))).toMatchObject({
      reason: "unknown_key",
    });
    expect(
      thrown(() => retired.reencryptAll([{ email: sealed }], { email: CONTEXT })),
    ).toMatchObject({ reason: "unknown_key" });
  });
});

describe("lookupHash", () => {
  it("is stable, hex, and differs per context and per key", async () => {
    const pd = await load(`k1:${K1}`);
    const email = pd.normalizeEmail("  Ada@Example.COM ");
    expect(email).toBe("ada@example.com");
    const hash = pd.lookupHash(email, CONTEXT);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(pd.lookupHash("ada@example.com", CONTEXT)).toBe(hash);
    expect(pd.lookupHash("ada@example.con", CONTEXT)).not.toBe(hash);
    expect(pd.lookupHash(email, "profiles.email")).not.toBe(hash);

    // The encryption keys do not enter it: rotating them keeps every hash.
    const rotated = await load(`k2:${K2},k1:${K1}`);
    expect(rotated.lookupHash(email, CONTEXT)).toBe(hash);
    const otherKey = await load(`k1:${K1}`, key());
    expect(otherKey.lookupHash(email, CONTEXT)).not.toBe(hash);
  });
});

describe("invalid configuration", () => {
  it.each([
    ["a short key", `k1:${randomBytes(16).toString("base64")}`, HMAC, /exactly 32 bytes.*16/],
    ["a duplicate key id", `k1:${K1},k1:${K2}`, HMAC, /"k1" is listed twice/],
    ["bad base64", `k1:${K1.slice(0, 20)}!${K1.slice(21)}`, HMAC, /not valid base64/],
    ["a bare key", K1, HMAC, /entry 1 is not "kid:base64key"/],
    ["the reserved key id", `dev:${K1}`, HMAC, /reserved/],
    ["a short lookup key", `k1:${K1}`, randomBytes(16).toString("base64"), /at least 32 bytes/],
    ["the lookup key reused", `k1:${K1}`, K1, /must differ/],
    ["only one variable", `k1:${K1}`, "", /PERSONAL_DATA_HMAC_KEY is not set/],
  ])("refuses %s with 503, logging why without the key", async (_, keys, hmacKey, reason) => {
    const lines = captureLogs();
    const pd = await load(keys, hmacKey);
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = thrown(() => pd.sealPersonalData("ada@example.com", CONTEXT));
      expect(error).toMatchObject({ code: "provider_not_configured", status: 503 });
      expect((error as Error).message).toBe(
        "Personal data encryption is not configured on this server.",
      );
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "error", event: "personal_data_keys_invalid" });
    expect(String(lines[0]?.reason)).toMatch(reason);
    const logged = JSON.stringify(lines);
    for (const material of [K1, K2, HMAC, keys, hmacKey].filter(Boolean)) {
      expect(logged).not.toContain(material);
      expect(logged).not.toContain(material.slice(0, 12));
    }
  });

  it("refuses it on the local stack too: never a silent fall back to the public key", async () => {
    captureLogs();
    vi.resetModules();
    vi.stubEnv("VERCEL_ENV", "");
    vi.stubEnv("BASTION_LOCAL_STACK", "1");
    vi.stubEnv("PERSONAL_DATA_KEYS", `k1:${K1},k1:${K2}`);
    vi.stubEnv("PERSONAL_DATA_HMAC_KEY", HMAC);
    const pd = await import("../../../lib/crypto/personal-data.js");
    expect(thrown(() => pd.lookupHash("a", CONTEXT))).toMatchObject({
      code: "provider_not_configured",
    });
  });

  it("never logs the configured keys when they are valid", async () => {
    const lines = captureLogs();
    const pd = await load(`k1:${K1}`);
    pd.openPersonalData(pd.sealPersonalData("ada@example.com", CONTEXT), CONTEXT);
    expect(lines).toEqual([]);
  });
});
