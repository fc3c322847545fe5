// The sealed columns of public.profiles and the context each is sealed under.
export const PROFILE_SEALED_COLUMNS = {
  full_name_sealed: "profiles.full_name",
  phone_sealed: "profiles.phone",
} as const;
