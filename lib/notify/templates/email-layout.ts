// One layout for every notification email, in HTML and in plain text. Templates never write
// markup: they hand over text (subject, paragraphs, label/value rows, one action link) and this
// module is the only place that turns it into HTML, escaping each piece on the way. The text part
// shows the same content with no markup at all.
import { escapeHtml, httpUrl } from "./html.js";

export interface EmailContent {
  subject: string;
  /** The preview line inbox lists show after the subject; hidden in the body. */
  preheader: string;
  heading: string;
  paragraphs: string[];
  details: Array<readonly [label: string, value: string]>;
  /** One button, with its URL also spelled out for mail clients that do not show buttons. */
  action?: { label: string; url: string; hint: string };
  closing: string[];
  footer: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** `lang`: the BCP 47 tag the content is written in. */
export function renderEmail(content: EmailContent, lang: string): RenderedEmail {
  return { subject: content.subject, html: emailHtml(content, lang), text: emailText(content) };
}

const PARAGRAPH = 'style="margin:0 0 16px;line-height:1.5"';
const CELL = 'style="padding:4px 16px 4px 0;vertical-align:top;line-height:1.4"';
const BUTTON =
  'style="display:inline-block;padding:12px 20px;border-radius:6px;background:#18181b;color:#ffffff;text-decoration:none;font-weight:600"';

function emailHtml(content: EmailContent, lang: string): string {
  const paragraph = (text: string) => `<p ${PARAGRAPH}>${escapeHtml(text)}</p>`;
  const details = content.details.length
    ? `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px">${content.details
        .map(
          ([label, value]) =>
            `<tr><th align="left" ${CELL}>${escapeHtml(label)}</th><td ${CELL}>${escapeHtml(value)}</td></tr>`,
        )
        .join("")}</table>`
    : "";
  const action = content.action ? actionHtml(content.action) : "";
  return [
    "<!doctype html>",
    `<html lang="${escapeHtml(lang)}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(content.subject)}</title></head>`,
    "<body style=\"margin:0;padding:0;background:#f4f4f5;color:#18181b;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px\">",
    `<div style="display:none;max-height:0;overflow:hidden">${escapeHtml(content.preheader)}</div>`,
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px"><tr><td style="padding:32px">',
    `<h1 style="margin:0 0 16px;font-size:22px">${escapeHtml(content.heading)}</h1>`,
    ...content.paragraphs.map(paragraph),
    details,
    action,
    ...content.closing.map(paragraph),
    "</td></tr></table>",
    `<p style="margin:16px 0 0;font-size:12px;color:#71717a">${escapeHtml(content.footer)}</p>`,
    "</td></tr></table>",
    "</body></html>",
  ].join("\n");
}

function actionHtml(action: NonNullable<EmailContent["action"]>): string {
  const href = escapeHtml(httpUrl(action.url));
  return [
    `<p style="margin:24px 0"><a href="${href}" ${BUTTON}>${escapeHtml(action.label)}</a></p>`,
    `<p style="margin:0 0 16px;font-size:13px;color:#52525b">${escapeHtml(action.hint)}<br><a href="${href}" style="color:#52525b;word-break:break-all">${href}</a></p>`,
  ].join("\n");
}

function emailText(content: EmailContent): string {
  const blocks = [
    content.heading,
    ...content.paragraphs,
    content.details.map(([label, value]) => `${label}: ${value}`).join("\n"),
    content.action ? `${content.action.label}: ${httpUrl(content.action.url)}` : "",
    ...content.closing,
    content.footer,
  ];
  return `${blocks.filter((block) => block !== "").join("\n\n")}\n`;
}
