// Which sender a channel uses: its provider when configured, else the local outbox (which only
// runs on the local stack). Providers are imported when first needed, with their SDKs.
import { env } from "../../env.js";
import type { Sender } from "../providers/types.js";
import { localOutboxSender } from "./local-outbox.js";

export async function senderFor(channel: "email" | "sms"): Promise<Sender> {
  const config = env();
  if (channel === "email" && config.RESEND_API_KEY !== undefined) {
    return (await import("../providers/resend-email.js")).resendEmailSender;
  }
  if (channel === "sms" && config.TWILIO_ACCOUNT_SID !== undefined) {
    return (await import("../providers/twilio-sms.js")).twilioSmsSender;
  }
  return localOutboxSender;
}
