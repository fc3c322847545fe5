// SMS through Twilio. The SDK is loaded on first use: it costs tens of milliseconds of cold
// start, which only a function that sends a text should pay. Twilio takes no idempotency key: the outbox's claim keeps two workers
// from sending one row, and a row is only sent again when its attempt never reported back.
import type { Twilio } from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient.js";
import { appUrl, env, localStackEnabled, requireConfig } from "../../env.js";
import { log } from "../../log.js";
import { type OutgoingMessage, type Sender, SendFailure } from "./types.js";

const TWILIO_API = "https://api.twilio.com";
/** A hung call to Twilio must not hold the function until the platform kills it. */
const TIMEOUT_MS = 10_000;

let client: Promise<Twilio> | undefined;

/** Where Twilio reports each message's status: the public address it signs its callbacks for. */
export const twilioStatusCallbackUrl = () => `${appUrl()}/api/webhooks/twilio`;

function twilioClient(accountSid: string, authToken: string): Promise<Twilio> {
  client ??= import("twilio").then(({ default: twilio }) => {
    const local = apiAddress();
    if (local === undefined) return twilio(accountSid, authToken, { timeout: TIMEOUT_MS });
    // The SDK has no base URL option: its HTTP client is the one place every request passes, so
    // the local stack swaps the origin there, leaving paths, auth and bodies as Twilio gets them.
    class LocalRequestClient extends twilio.RequestClient {
      override request<TData>(opts: RequestClient.RequestOptions<TData>) {
        const uri = opts.uri.replace(/^https:\/\/api\.twilio\.com/, local ?? TWILIO_API);
        return super.request({ ...opts, uri });
      }
    }
    return twilio(accountSid, authToken, {
      httpClient: new LocalRequestClient({ timeout: TIMEOUT_MS }),
    });
  });
  return client;
}

/** TWILIO_API_URL, for tests and local fakes; honoured only on the local stack. */
function apiAddress(): string | undefined {
  const url = env().TWILIO_API_URL;
  if (url === undefined) return undefined;
  if (!localStackEnabled()) {
    log.warn("twilio_api_url_ignored", { reason: "TWILIO_API_URL is for local use only" });
    return undefined;
  }
  return url.replace(/\/+$/, "");
}

/** What the SDK throws when Twilio answers with an error (RestException). */
interface TwilioRefusal {
  status?: number;
  code?: number;
}

export const twilioSmsSender: Sender = {
  provider: "twilio",
  async send(message: OutgoingMessage): Promise<string> {
    const { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM } = requireConfig(
      "SMS notifications",
      "TWILIO_ACCOUNT_SID",
      "TWILIO_AUTH_TOKEN",
      "TWILIO_FROM",
    );
    const twilio = await twilioClient(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN);
    try {
      const sent = await twilio.messages.create({
        from: TWILIO_FROM,
        to: message.to,
        body: message.rendered.sms,
        statusCallback: twilioStatusCallbackUrl(),
      });
      return sent.sid;
    } catch (error) {
      const { status, code } = (error ?? {}) as TwilioRefusal;
      // 400: Twilio refuses the message itself (a number it cannot send to): final.
      throw new SendFailure(
        `twilio: ${status ?? "no answer"} ${code ?? ""}`.trim(),
        status === 400,
      );
    }
  },
};
