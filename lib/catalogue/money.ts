// Money as people read it, from the minor units the API stores and sends. No imports: the demo
// app's browser bundle uses the same function as the catalogue's prices and the emails.

/** Each currency in its home locale: rupees group in lakhs (₹1,00,000.00), dollars in thousands. */
const LOCALE_OF_CURRENCY: Record<string, string> = { INR: "en-IN", USD: "en-US" };

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * An amount in minor units in its currency: INR 250000 is "₹2,500.00", JPY 5000 is "¥5,000". In
 * the currency's usual locale unless the reader's is given (an email, in its recipient's).
 */
export function formatMoney(
  amountMinor: number,
  currency: string,
  locale = LOCALE_OF_CURRENCY[currency] ?? "en",
): string {
  const key = `${locale} ${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: "currency", currency });
    formatters.set(key, formatter);
  }
  // The minor unit's size is the currency's own (2 digits for INR and USD, 0 for JPY, 3 for KWD),
  // as Intl reports it, so no table of currencies is kept here.
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(amountMinor / 10 ** digits);
}
