// Which sender a channel uses: its provider when configured, else the local outbox (which only
// runs on the local stack). Providers are imported when first needed, with their SDKs.
import type { SupabaseClient } from "@supabase/supabase-js";
import { env } from "../../env.js";
import type { Sender } from "../providers/types.js";
import { localOutboxSender } from "./local-outbox.js";

/** `service`: the client delivery runs with, for the local outbox's own table. */
export async function senderFor(
  channel: "email" | "sms",
  service: SupabaseClient,
): Promise<Sender> {
  const config = env();
  if (channel === "email" && config.RESEND_API_KEY !== undefined) {
    return (await import("../providers/resend-email.js")).resendEmailSender;
  }
  if (channel === "sms" && config.TWILIO_ACCOUNT_SID !== undefined) {
    return (await import("../providers/twilio-sms.js")).twilioSmsSender;
  }
  return localOutboxSender(service);
}
