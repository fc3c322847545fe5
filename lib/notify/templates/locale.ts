// Which message table and which Intl locale a notification is written in. A locale with a table
// of its own uses it; a regional variant of one uses its language's table with its own date and
// number conventions (en-GB: English words, "8 March 2026"); anything else, malformed tags
// included, is written in English. Falling back never fails a send.
import { en } from "./messages/en.js";
import type { Messages } from "./messages/messages.js";

export const DEFAULT_LOCALE = "en";

const TABLES = new Map<string, Messages>([[DEFAULT_LOCALE, en]]);

export interface ResolvedLocale {
  /** The BCP 47 tag for Intl and the HTML lang attribute. */
  locale: string;
  messages: Messages;
}

export function resolveLocale(requested: string): ResolvedLocale {
  const tag = canonicalTag(requested);
  if (tag !== undefined) {
    const messages = TABLES.get(tag) ?? TABLES.get(new Intl.Locale(tag).language);
    if (messages) return { locale: tag, messages };
  }
  return { locale: DEFAULT_LOCALE, messages: en };
}

function canonicalTag(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    return undefined;
  }
}
