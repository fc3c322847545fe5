// A one-event iCalendar object (RFC 5545), written by hand: one event needs a few lines, not a
// dependency. Content lines end in CRLF and are folded at 75 octets (§3.1), TEXT values are
// escaped (§3.3.11), parameter values are quoted with RFC 6868's caret escapes, and every time is
// UTC ("…Z"), so no VTIMEZONE is needed and no calendar has to guess an offset.

export interface CalendarEvent {
  /** iTIP method (RFC 5546): PUBLISH posts or updates the event, CANCEL withdraws it. */
  method: "PUBLISH" | "CANCEL";
  uid: string;
  /** Higher for each revision; a calendar keeps the copy with the highest. */
  sequence: number;
  stamp: Date;
  start: Date;
  end: Date;
  status: "CONFIRMED" | "CANCELLED";
  summary: string;
  description: string;
  url?: string;
  organizer: { name: string; email: string };
}

const ICS_PRODID = "-//Bastion//Notifications//EN";

const CRLF = "\r\n";
const MAX_LINE_OCTETS = 75;

export function icsCalendar(event: CalendarEvent): string {
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:${ICS_PRODID}`,
    "CALSCALE:GREGORIAN",
    `METHOD:${event.method}`,
    "BEGIN:VEVENT",
    `UID:${escapeText(event.uid)}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${icsUtc(event.stamp)}`,
    `DTSTART:${icsUtc(event.start)}`,
    `DTEND:${icsUtc(event.end)}`,
    `STATUS:${event.status}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    // URI values are not TEXT: they are written as they are, with no escaping.
    ...(event.url === undefined ? [] : [`URL:${event.url}`]),
    `ORGANIZER;CN=${paramValue(event.organizer.name)}:mailto:${event.organizer.email}`,
    "END:VEVENT",
    "END:VCALENDAR",
  ];
  return lines.map((line) => foldLine(line) + CRLF).join("");
}

/** RFC 5545 §3.3.11: backslash, semicolon and comma escaped; every line break becomes "\n". */
export function escapeText(value: string): string {
  return value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, "\\n");
}

/**
 * RFC 5545 §3.1: lines longer than 75 octets are broken with CRLF and one space, which counts
 * toward the next line's 75. Octets are UTF-8 bytes, and a character is never split.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  for (const character of line) {
    const size = Buffer.byteLength(character, "utf8");
    if (octets + size > MAX_LINE_OCTETS) {
      parts.push(current);
      current = " ";
      octets = 1;
    }
    current += character;
    octets += size;
  }
  parts.push(current);
  return parts.join(CRLF);
}

/** 2026-03-08T14:00:00.000Z → 20260308T140000Z (§3.3.5, form #2: UTC). */
export function icsUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

/** A quoted parameter value; RFC 6868 escapes the characters a quoted-string cannot hold. */
function paramValue(value: string): string {
  const escaped = value
    .replace(/\^/g, "^^")
    .replace(/"/g, "^'")
    .replace(/\r\n|\r|\n/g, "^n");
  return `"${escaped}"`;
}
