// The sealed columns of the channel tables and the context each is sealed under (lib/crypto binds
// the context into the ciphertext, so a value copied into another column does not open).
export const CHANNEL_SEALED = {
  token: "shop_channel_credentials.token",
  externalId: "channel_conversations.external_id",
} as const;

export const CHANNEL_CREDENTIALS_SEALED_COLUMNS = {
  token_sealed: CHANNEL_SEALED.token,
  refresh_token_sealed: "shop_channel_credentials.refresh_token",
} as const;
export const CHANNEL_CONVERSATIONS_SEALED_COLUMNS = {
  external_sealed: CHANNEL_SEALED.externalId,
} as const;

/** TikTok's rotating refresh token (shop_channel_credentials.refresh_token_sealed). */
export const CHANNEL_REFRESH_SEALED = "shop_channel_credentials.refresh_token";
