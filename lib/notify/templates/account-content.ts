// The email of the account templates (welcome, account_exists, password_reset): the message, one
// link — to the app, or to the page that sets a new password — that the SMS carries too, and the
// practice's footer. The mails someone other than the owner can set off (a sign-up or a reset
// request with their address) close with a line saying they may be ignored.
import { renderEmail } from "./email-layout.js";
import type { ResolvedLocale } from "./locale.js";
import { type AccountView, type EmailMessages, messageParts } from "./messages/messages.js";
import { smsBody } from "./sms.js";
import type { RenderedNotification } from "./template.js";

export type AccountMessages<View extends AccountView> = EmailMessages<View> & {
  /** The link's button. */
  action: string;
  /** "If this was not you, ignore this email": only in the mails someone else can set off. */
  ignore?: string;
};

export function renderAccountEmail<View extends AccountView>(
  resolved: ResolvedLocale,
  messages: AccountMessages<View>,
  view: View,
  link: string,
): RenderedNotification {
  const common = resolved.messages.common;
  return {
    ...renderEmail(
      {
        ...messageParts(messages, view),
        details: [],
        action: { label: messages.action, url: link, hint: common.linkHint },
        closing: messages.ignore === undefined ? [] : [messages.ignore],
        footer: common.footer(view.practiceName),
      },
      resolved.locale,
    ),
    sms: smsBody(messages.sms(view), link),
  };
}
