// The public catalogue: the session types a visitor can book and what each costs, per currency and
// format (supabase/migrations/20261121000200_catalogue_and_scheduling.sql). It is the same for
// everyone, so it is read with the anon client; row-level security shows the API roles only active
// rows, and the query asks for them too, so the list is the same whichever client reads it.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { formatMoney } from "./money.js";

export const SESSION_FORMATS = ["video", "in_person", "chat", "audio", "call"] as const;
export type SessionFormat = (typeof SESSION_FORMATS)[number];

export const ServicePrice = z
  .object({
    /** ISO 4217, upper case. */
    currency: z.string().regex(/^[A-Z]{3}$/),
    format: z.enum(SESSION_FORMATS),
    /** In the currency's minor unit (paise, cents): 250000 is ₹2,500.00. */
    amount: z.number().int().nonnegative(),
    /** The amount formatted for people, for example "₹2,500.00" or "$60.00". */
    display: z.string(),
  })
  .meta({ id: "ServicePrice" });

export const Service = z
  .object({
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    durationMinutes: z.number().int().positive(),
    /** Kept free after the session before another may start. */
    bufferMinutes: z.number().int().nonnegative(),
    requiresConsent: z.boolean(),
    prices: z.array(ServicePrice),
  })
  .meta({ id: "Service" });

export const ServiceList = z.array(Service).meta({ id: "ServiceList" });

export type ServicePrice = z.infer<typeof ServicePrice>;
export type Service = z.infer<typeof Service>;

interface PriceRow {
  currency: string;
  format: SessionFormat;
  amount_minor: number;
}

interface SessionTypeRow {
  slug: string;
  name: string;
  description: string;
  duration_minutes: number;
  buffer_minutes: number;
  requires_consent: boolean;
  session_type_prices: PriceRow[];
}

// `!inner`: a session type without any active price cannot be booked, so it is not listed.
const COLUMNS =
  "slug, name, description, duration_minutes, buffer_minutes, requires_consent, session_type_prices!inner(currency, format, amount_minor)";

/** The bookable session types in catalogue order, each with its active prices. */
export async function listServices(db: SupabaseClient): Promise<Service[]> {
  const { data, error } = await db
    .from("session_types")
    .select(COLUMNS)
    .eq("active", true)
    .eq("session_type_prices.active", true)
    .order("sort_order")
    .order("duration_minutes")
    .order("slug")
    .overrideTypes<SessionTypeRow[], { merge: false }>();
  if (error) throw new Error(`catalogue read failed: ${error.code} ${error.message}`);
  return data.map((row) => ({
    slug: row.slug,
    name: row.name,
    description: row.description,
    durationMinutes: row.duration_minutes,
    bufferMinutes: row.buffer_minutes,
    requiresConsent: row.requires_consent,
    prices: row.session_type_prices.map(priceView).sort(byCurrencyThenFormat),
  }));
}

function priceView(row: PriceRow): ServicePrice {
  return {
    currency: row.currency,
    format: row.format,
    amount: row.amount_minor,
    display: formatMoney(row.amount_minor, row.currency),
  };
}

function byCurrencyThenFormat(a: ServicePrice, b: ServicePrice): number {
  return (
    a.currency.localeCompare(b.currency) ||
    SESSION_FORMATS.indexOf(a.format) - SESSION_FORMATS.indexOf(b.format)
  );
}
