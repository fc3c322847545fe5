// SMS bodies: plain, short and cheap. A body is at most SMS_MAX_LENGTH UTF-16 units (at most
// three GSM-7 segments, five UCS-2 ones); when a long name would push it over, the text is clipped
// and the link kept whole, because a cut link is useless and the email has every detail anyway.

export const SMS_MAX_LENGTH = 320;

/** A link longer than this is left out rather than crowding out the message. */
const MAX_SMS_LINK_LENGTH = SMS_MAX_LENGTH / 2;

/**
 * Intl puts thin and narrow no-break spaces and en dashes into dates ("10:00 – 10:50 AM"); none
 * is in the GSM-7 alphabet, so one of them alone would turn the message into UCS-2, which fits
 * 70 characters per segment instead of 160.
 */
function gsmPunctuation(text: string): string {
  return text.replace(/[\u00a0\u2009\u202f]/g, " ").replace(/\u2013/g, "-");
}

export function smsBody(message: string, link?: string): string {
  const text = gsmPunctuation(message);
  if (link === undefined || link.length > MAX_SMS_LINK_LENGTH) return clip(text, SMS_MAX_LENGTH);
  return `${clip(text, SMS_MAX_LENGTH - link.length - 1)} ${link}`;
}

/** At most `max` UTF-16 units, ending in "..." when cut, never splitting a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 3;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}...`;
}
