// Email through Resend. The SDK is loaded on first use, so only a function that sends email pays
// for it (tens of milliseconds of cold start). Every send carries the outbox row's key as Resend's Idempotency-Key: a
// retry after a timeout that Resend did act on answers with the first email instead of a second.
import type { Resend } from "resend";
import { env, localStackEnabled, requireConfig } from "../../env.js";
import { log } from "../../log.js";
import { type OutgoingMessage, type Sender, SendFailure } from "./types.js";

const RESEND_API = "https://api.resend.com";
/** A hung call to Resend must not hold the function until the platform kills it. */
const TIMEOUT_MS = 10_000;
/** Refusals of the request itself (a malformed address): sending it again cannot succeed. */
const FINAL_STATUSES = new Set([400, 422]);

let client: Promise<Resend> | undefined;

export function resendClient(apiKey: string): Promise<Resend> {
  // The base URL is always passed: the SDK would otherwise take RESEND_BASE_URL from the
  // environment, and the API key must only ever go to Resend outside the local stack.
  client ??= import("resend").then(({ Resend }) => new Resend(apiKey, { baseUrl: apiAddress() }));
  return client;
}

/** RESEND_API_URL, for tests and local fakes; honoured only on the local stack. */
function apiAddress(): string {
  const url = env().RESEND_API_URL;
  if (url === undefined) return RESEND_API;
  if (!localStackEnabled()) {
    log.warn("resend_api_url_ignored", { reason: "RESEND_API_URL is for local use only" });
    return RESEND_API;
  }
  return url.replace(/\/+$/, "");
}

export const resendEmailSender: Sender = {
  provider: "resend",
  async send(message: OutgoingMessage): Promise<string> {
    const { RESEND_API_KEY, EMAIL_FROM } = requireConfig(
      "Email notifications",
      "RESEND_API_KEY",
      "EMAIL_FROM",
    );
    const resend = await resendClient(RESEND_API_KEY);
    const { rendered } = message;
    const { data, error } = await resend.emails.send(
      {
        from: EMAIL_FROM,
        to: [message.to],
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        attachments: rendered.attachments?.map((attachment) => ({
          filename: attachment.filename,
          contentType: attachment.contentType,
          content: Buffer.from(attachment.content, "utf8"),
        })),
        tags: [{ name: "template", value: message.template }],
      },
      { idempotencyKey: message.idempotencyKey, signal: AbortSignal.timeout(TIMEOUT_MS) },
    );
    if (error !== null || data === null) {
      const status = error?.statusCode ?? undefined;
      throw new SendFailure(
        `resend: ${status ?? "no answer"} ${error?.name ?? "unknown"}`,
        status !== undefined && status !== null && FINAL_STATUSES.has(status),
      );
    }
    return data.id;
  },
};
