// Sending Web Push (RFC 8030/8291/8292) with the `web-push` package, loaded only when something
// is sent: pushToUsers(service, userIds, payload) encrypts the payload (aes128gcm) for each of
// the users' subscriptions, signs a VAPID JWT for the push service's origin, and deletes the
// subscriptions the push service answers 404 or 410 (gone). Only known push services are called
// (./services.ts). The payload goes to the users' own browsers: put in it only what each of
// them may see (no customer personal data beyond that), and keep it small (4 KB at most).
import type { SupabaseClient } from "@supabase/supabase-js";
import { log } from "../log.js";
import { vapidConfig } from "./config.js";
import { isPushServiceEndpoint } from "./services.js";

/** The spec's notification event, plus where a click should lead (an app path). */
export interface PushPayload {
  title: string;
  message: string;
  type: string;
  url?: string;
  [key: string]: unknown;
}

export interface PushOutcome {
  /** False when VAPID is not configured: nothing was sent. */
  configured: boolean;
  sent: number;
  /** Subscriptions the push service called gone (404/410), now deleted. */
  removed: number;
  failed: number;
  /** Rows whose endpoint is not a known push service: never called. */
  skipped: number;
}

/** What the push services accept in one message, less the encryption's overhead. */
export const MAX_PAYLOAD_BYTES = 3_000;
const TTL_SECONDS = 24 * 3600;
const TIMEOUT_MS = 10_000;

interface SubscriptionRow {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export async function pushToUsers(
  service: SupabaseClient,
  userIds: readonly string[],
  payload: PushPayload,
): Promise<PushOutcome> {
  const outcome: PushOutcome = { configured: false, sent: 0, removed: 0, failed: 0, skipped: 0 };
  const config = vapidConfig();
  if (!config) {
    log.warn("provider_not_configured", { feature: "Web Push", recipients: userIds.length });
    return outcome;
  }
  outcome.configured = true;
  const body = JSON.stringify(payload);
  if (Buffer.byteLength(body) > MAX_PAYLOAD_BYTES) {
    throw new Error(`a push payload must stay under ${MAX_PAYLOAD_BYTES} bytes`);
  }
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return outcome;
  const { data, error } = await service
    .from("push_subscriptions")
    .select("id, endpoint, p256dh, auth")
    .in("user_id", ids);
  if (error) throw new Error(`reading push subscriptions failed: ${error.code} ${error.message}`);
  const rows = (data ?? []) as SubscriptionRow[];
  const { default: webpush } = await import("web-push");
  const gone: string[] = [];
  await Promise.all(
    rows.map(async (row) => {
      if (!isPushServiceEndpoint(row.endpoint)) {
        outcome.skipped += 1;
        return;
      }
      try {
        // web-push encrypts (aes128gcm) and signs the VAPID JWT; the request goes out through
        // fetch, which also reaches the local stack's fake push service over plain http.
        const request = webpush.generateRequestDetails(
          { endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } },
          body,
          { vapidDetails: config, TTL: TTL_SECONDS, contentEncoding: "aes128gcm" },
        );
        const response = await fetch(request.endpoint, {
          method: request.method,
          headers: request.headers as Record<string, string>,
          body: new Uint8Array(request.body as Buffer),
          redirect: "error",
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        await response.body?.cancel();
        if (!response.ok)
          throw Object.assign(new Error("push refused"), { statusCode: response.status });
        outcome.sent += 1;
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 404 || status === 410) {
          gone.push(row.id);
          return;
        }
        outcome.failed += 1;
        // The endpoint is a capability URL: log its host only.
        log.warn("push_failed", { status: status ?? null, host: new URL(row.endpoint).host });
      }
    }),
  );
  if (gone.length > 0) {
    const removed = await service.from("push_subscriptions").delete().in("id", gone);
    if (removed.error) {
      throw new Error(`deleting gone push subscriptions failed: ${removed.error.code}`);
    }
    outcome.removed = gone.length;
  }
  return outcome;
}
