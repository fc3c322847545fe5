// Web Push configuration: the VAPID key pair and subject (lib/env.ts). All three or none; a
// server without them stores no subscriptions (503 provider_not_configured) and pushes nothing.
import { env } from "../env.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";

export interface VapidConfig {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export function vapidConfig(): VapidConfig | undefined {
  const { VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT } = env();
  if (!VAPID_PUBLIC_KEY || !VAPID_PRIVATE_KEY || !VAPID_SUBJECT) return undefined;
  return { publicKey: VAPID_PUBLIC_KEY, privateKey: VAPID_PRIVATE_KEY, subject: VAPID_SUBJECT };
}

export function requireVapidConfig(): VapidConfig {
  const config = vapidConfig();
  if (!config) {
    log.warn("provider_not_configured", {
      feature: "Web Push",
      missing: ["VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"],
    });
    throw new ApiError(
      "provider_not_configured",
      "Push notifications are not configured on this server.",
    );
  }
  return config;
}
