// The local outbox: where messages go on the local stack (BASTION_LOCAL_STACK=1) when no email or
// SMS provider is configured, so `npm run dev` and the tests need no accounts. Each rendered
// message is stored sealed (it holds names and addresses) and shown at /__dev/outbox
// (dev/tools/outbox.ts). It refuses to run anywhere else: a message "sent" there would reach
// nobody, so the row stays
// queued (provider_not_configured) and goes out once the provider is configured.
import type { SupabaseClient } from "@supabase/supabase-js";
import { sealPersonalData } from "../../crypto/personal-data.js";
import { localStackEnabled } from "../../env.js";
import { ApiError } from "../../http/errors.js";
import type { OutgoingMessage, Sender } from "../providers/types.js";

/** The sealing context of local_outbox_messages.message_sealed, for the viewer to open. */
export const LOCAL_OUTBOX_CONTEXT = "local_outbox_messages.message";

/** The local outbox as a sender: `service` stores the message, as delivery claimed it. */
export const localOutboxSender = (service: SupabaseClient): Sender => ({
  provider: "outbox",
  async send(message: OutgoingMessage): Promise<string> {
    if (!localStackEnabled()) {
      throw new ApiError(
        "provider_not_configured",
        `No ${message.channel} provider is configured on this server.`,
      );
    }
    const { rendered } = message;
    const document = JSON.stringify({
      to: message.to,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      sms: rendered.sms,
      attachments: rendered.attachments ?? [],
    });
    const { data, error } = await service
      .from("local_outbox_messages")
      .insert({
        notification_id: message.notificationId,
        channel: message.channel,
        template: message.template,
        message_sealed: sealPersonalData(document, LOCAL_OUTBOX_CONTEXT),
      })
      .select("id")
      .single();
    if (error)
      throw new Error(`storing a local outbox message failed: ${error.code} ${error.message}`);
    return String((data as { id: string }).id);
  },
});
