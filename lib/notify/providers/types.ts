// What a sender is given and what it answers: one rendered message to one recipient, and the
// provider's id for it (the key its status webhooks report under).
import type { RenderedNotification } from "../templates/template.js";

export interface OutgoingMessage {
  notificationId: string;
  /** The outbox row's key: the provider's Idempotency-Key, so a retry is never sent twice. */
  idempotencyKey: string;
  channel: "email" | "sms";
  template: string;
  to: string;
  rendered: RenderedNotification;
}

export interface Sender {
  provider: "resend" | "twilio" | "outbox";
  /** The provider's message id; throws SendFailure or ApiError (not configured). */
  send(message: OutgoingMessage): Promise<string>;
}

/** The provider refused or did not answer. `final`: the same request would be refused again. */
export class SendFailure extends Error {
  override name = "SendFailure";
  constructor(
    message: string,
    readonly final: boolean,
  ) {
    super(message);
  }
}
