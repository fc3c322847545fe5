// The variable types the templates share, each as strict as where it lands requires: text is one
// line without control characters (it reaches subject lines, SMS and calendar files), links are
// http(s) only, instants carry their offset, and zones and currencies are ones Intl knows, so a
// bad value is refused here instead of being formatted into something wrong.
import * as z from "zod";
import { assertTimeZone } from "../../scheduling/zoned.js";

/** Control characters and lone surrogates: people read none, and a newline would split a line. */
const UNPRINTABLE = /[\p{Cc}\p{Cs}]/u;
const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

/** The longest link a template takes: enough for any app URL, and it keeps an SMS in budget. */
const MAX_URL_LENGTH = 2000;

/** One line of text, up to `max` characters. */
export const line = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((text) => !UNPRINTABLE.test(text), "Use one line without control characters");

export const personName = () => line(100);

/** Every template takes one, for its footer; described once so they all say the same. */
export const practiceName = () => line(100).describe("The practice's name, as customers know it");

export const httpLink = () =>
  z.url({ protocol: /^https?$/, error: "Use an http or https URL" }).max(MAX_URL_LENGTH);

export const instant = () =>
  z.iso.datetime({
    offset: true,
    error: "Use an ISO 8601 date and time with its offset, such as 2026-03-08T14:00:00Z",
  });

export const timeZone = () =>
  z
    .string()
    .max(64)
    .refine(isKnownTimeZone, "Use an IANA time zone name, such as America/New_York");

export const currency = () =>
  z
    .string()
    .regex(/^[A-Z]{3}$/, "Use an ISO 4217 code, such as INR")
    .refine((code) => CURRENCIES.has(code), "Use an ISO 4217 currency code");

/** An amount in the currency's minor unit (paise, cents; yen have none). */
export const amountMinor = () => z.int().positive();

function isKnownTimeZone(name: string): boolean {
  try {
    assertTimeZone(name);
    return true;
  } catch {
    return false;
  }
}
