// The sealed columns of public.consent_records and the context each is sealed under.
export const CONSENT_SEALED_COLUMNS = {
  ip_sealed: "consent_records.ip",
} as const;
