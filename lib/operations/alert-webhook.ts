// The optional alert webhook: each run's transitions POSTed as JSON to
// OPERATIONS_ALERT_WEBHOOK_URL. The body is Slack-compatible (a Slack incoming webhook shows
// `text`; other receivers read `alerts`), and signed like Stripe's: X-Bastion-Signature:
// t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with OPERATIONS_ALERT_WEBHOOK_SECRET>,
// so a receiver can check it came from here and is fresh. Nothing personal is in it. A receiver
// that fails is logged, never retried: the email through the outbox is the alert of record.
import { createHmac } from "node:crypto";
import { appUrl, env } from "../env.js";
import { log } from "../log.js";

const TIMEOUT_MS = 5_000;

export interface AlertTransition {
  alertId: string;
  condition: string;
  transition: "opened" | "cleared";
  title: string;
  count: number;
  oldestAt: string | null;
  ids: string[];
}

export const SIGNATURE_HEADER = "x-bastion-signature";

/** The header value for `body` signed at `timestamp` (unix seconds). */
export function alertSignature(secret: string, timestamp: number, body: string): string {
  const digest = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${digest}`;
}

export function alertWebhookBody(transitions: AlertTransition[]): string {
  const lines = transitions.map((alert) =>
    alert.transition === "opened"
      ? `:rotating_light: ${alert.title}: ${alert.count} stuck (${alert.condition})`
      : `:white_check_mark: Cleared: ${alert.title} (${alert.condition})`,
  );
  return JSON.stringify({
    text: `${lines.join("\n")}\n${appUrl()}/staff`,
    alerts: transitions,
  });
}

export async function sendAlertWebhook(
  transitions: AlertTransition[],
): Promise<"sent" | "failed" | "not_configured" | "nothing_to_send"> {
  const { OPERATIONS_ALERT_WEBHOOK_URL: url, OPERATIONS_ALERT_WEBHOOK_SECRET: secret } = env();
  if (url === undefined) return "not_configured";
  if (transitions.length === 0) return "nothing_to_send";
  const body = alertWebhookBody(transitions);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== undefined) {
    headers[SIGNATURE_HEADER] = alertSignature(secret, Math.floor(Date.now() / 1000), body);
  }
  try {
    const response = await fetch(url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (response.ok) return "sent";
    log.warn("alert_webhook_failed", { status: response.status });
    return "failed";
  } catch (error) {
    log.warn("alert_webhook_failed", { error });
    return "failed";
  }
}
