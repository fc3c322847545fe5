// Phone numbers as SMS providers take them: E.164, a + and the country calling code followed by
// at most 15 digits in all. Customers type numbers with spaces, dashes, dots and brackets; those
// are dropped, nothing else is guessed — a number without its + and country code could belong
// to any country, and sending to the wrong one is exactly what toll fraud relies on.

const E164 = /^\+[1-9]\d{6,14}$/;
const SEPARATORS = /[\s().-]/g;

/** The number in E.164, or undefined when it is not one. */
export function e164(typed: string): string | undefined {
  const number = typed.replace(SEPARATORS, "");
  return E164.test(number) ? number : undefined;
}
