// Spec fields that whole families of endpoints share, spread into their specs, so that each
// family states once how it is reached and what it may do.
import { WEBHOOK_BODY_LIMIT_BYTES } from "./body.js";

/**
 * A provider's webhook: no caller; the provider's signature over the raw body, which the handler
 * checks before it acts, is the only credential, and the service client records what it proved.
 */
export const PROVIDER_WEBHOOK = {
  tags: ["webhooks"],
  auth: "public" as const,
  rawBody: true as const,
  privileged: "webhook" as const,
  bodyLimitBytes: WEBHOOK_BODY_LIMIT_BYTES,
};

/**
 * A scheduler's endpoint: Vercel Cron (CRON_SECRET) or the database's pg_net calls
 * (DATABASE_WEBHOOK_SECRET), sweeping for every customer at once, past row-level security.
 */
export const SCHEDULED = {
  tags: ["cron"],
  auth: "cron" as const,
  privileged: "cron" as const,
};
