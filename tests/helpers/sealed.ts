// A value in the sealed format (lib/crypto/sealed-value.ts: v1.<key id>.<iv>.<ciphertext>.<tag>)
// for tests that store personal data without reading it back: the sealed columns' check
// constraints (public.is_sealed) take nothing else. It opens with no key; where a test reads the
// value back through the API, seal for real with lib/crypto/personal-data.ts instead.

/** A well-formed sealed value whose "ciphertext" is the label, so tests can tell values apart. */
export function fakeSealed(label: string): string {
  return `v1.k1.AAAAAAAAAAAAAAAA.${Buffer.from(label, "utf8").toString("base64url")}.AAAAAAAAAAAAAAAAAAAAAA`;
}
