// Travellers as a booking names them, validated per type: names as on the passport, date of
// birth (an adult is 12 or older on the day of the last flight, a child 2–11, an infant under
// 2), nationality, and passport number and expiry when the itinerary crosses a border (the
// passport must be valid until after the last flight). The list must match the passengers the
// offer was priced for. What passes is sealed before it is stored (bookings.ts).
import * as z from "zod";
import type { Passengers } from "./offer.js";

export const TRAVELER_TYPES = ["adult", "child", "infant"] as const;
export type TravelerType = (typeof TRAVELER_TYPES)[number];

/** Letters (any script), spaces, hyphens and apostrophes, as printed on a passport. */
const PassportName = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^\p{L}[\p{L}\p{M} '’-]*$/u, "Letters, spaces, hyphens and apostrophes only");

export const Traveler = z.strictObject({
  type: z.enum(TRAVELER_TYPES),
  title: z.enum(["mr", "ms", "mrs", "miss", "dr"]).optional(),
  givenName: PassportName,
  familyName: PassportName,
  gender: z.enum(["m", "f"]),
  dateOfBirth: z.iso.date(),
  /** ISO 3166-1 alpha-2. */
  nationality: z
    .string()
    .regex(/^[A-Za-z]{2}$/, "A two-letter country code")
    .transform((code) => code.toUpperCase()),
  document: z
    .strictObject({
      type: z.literal("passport").default("passport"),
      number: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9]{5,20}$/, "5 to 20 letters and digits"),
      expiresOn: z.iso.date(),
      /** ISO 3166-1 alpha-2; the nationality when omitted. */
      issuingCountry: z
        .string()
        .regex(/^[A-Za-z]{2}$/)
        .transform((code) => code.toUpperCase())
        .optional(),
    })
    .optional(),
});
export type Traveler = z.infer<typeof Traveler>;

export const Contact = z.strictObject({
  email: z.email().max(254),
  phone: z
    .string()
    .trim()
    .regex(/^\+[1-9][0-9]{6,14}$/, "A phone number in international format (+…)"),
});
export type Contact = z.infer<typeof Contact>;

const PASSENGER_FIELD = { adult: "adults", child: "children", infant: "infants" } as const;

/** Whole years between a date of birth and a day (both YYYY-MM-DD). */
export function ageOn(dateOfBirth: string, day: string): number {
  const [by, bm, bd] = dateOfBirth.split("-").map(Number) as [number, number, number];
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * Field → messages for what is wrong with the travellers of an offer (empty when nothing is):
 * `today` for "born in the future", `lastFlightDay` for ages and passport validity.
 */
export function travelerProblems(
  travelers: readonly Traveler[],
  passengers: Passengers,
  documentsRequired: boolean,
  today: string,
  lastFlightDay: string,
): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  const add = (path: string, message: string) => {
    problems[path] = [...(problems[path] ?? []), message];
  };
  for (const type of TRAVELER_TYPES) {
    const expected = passengers[PASSENGER_FIELD[type]];
    const named = travelers.filter((traveler) => traveler.type === type).length;
    if (named !== expected) {
      add("travelers", `The offer is for ${expected} ${type}(s); ${named} named`);
    }
  }
  travelers.forEach((traveler, index) => {
    const at = `travelers.${index}`;
    if (traveler.dateOfBirth > today)
      add(`${at}.dateOfBirth`, "The date of birth is in the future");
    const age = ageOn(traveler.dateOfBirth, lastFlightDay);
    if (traveler.type === "adult" && age < 12) {
      add(`${at}.dateOfBirth`, "An adult is 12 or older on the day of travel");
    }
    if (traveler.type === "child" && (age < 2 || age > 11)) {
      add(`${at}.dateOfBirth`, "A child is 2 to 11 years old on the day of travel");
    }
    if (traveler.type === "infant" && age >= 2) {
      add(`${at}.dateOfBirth`, "An infant is under 2 on the day of travel");
    }
    if (ageOn(traveler.dateOfBirth, today) > 120) {
      add(`${at}.dateOfBirth`, "The date of birth is not plausible");
    }
    if (documentsRequired && traveler.document === undefined) {
      add(
        `${at}.document`,
        "This itinerary crosses a border: a passport number and expiry are needed",
      );
    }
    if (traveler.document !== undefined && traveler.document.expiresOn <= lastFlightDay) {
      add(`${at}.document.expiresOn`, "The passport must be valid beyond the last flight");
    }
  });
  return problems;
}
