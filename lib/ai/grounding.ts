// What the support assistant may say about the practice: only what any visitor can already see,
// read on the server with the caller's own client (RLS shows the API roles active rows only) —
// the session types and their prices, the booking rules (change window, notice, horizon) and the
// weekly opening hours. Nothing about bookings, customers or staff.
import type { SupabaseClient } from "@supabase/supabase-js";
import { listServices } from "../catalogue/services.js";
import { practiceName } from "../notify/practice.js";

const WEEKDAYS = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

interface RulesRow {
  change_window_minutes: number;
  minimum_notice_minutes: number;
  horizon_days: number;
}

interface HoursRow {
  weekday: number;
  start_time: string;
  end_time: string;
  practitioners: { time_zone: string } | { time_zone: string }[];
}

const hours = (minutes: number) =>
  minutes % 60 === 0 ? `${minutes / 60} hours` : `${minutes} minutes`;

/** The practice's public facts as plain text, for the support assistant's instructions. */
export async function practiceFacts(db: SupabaseClient): Promise<string> {
  const [services, rules, opening] = await Promise.all([
    listServices(db),
    db
      .from("booking_rules")
      .select("change_window_minutes, minimum_notice_minutes, horizon_days")
      .maybeSingle<RulesRow>(),
    db
      .from("working_hours")
      .select("weekday, start_time, end_time, practitioners!inner(time_zone, active)")
      .eq("practitioners.active", true)
      .order("weekday")
      .order("start_time")
      .overrideTypes<HoursRow[], { merge: false }>(),
  ]);
  if (rules.error) throw new Error(`booking rules read failed: ${rules.error.code}`);
  if (opening.error) throw new Error(`working hours read failed: ${opening.error.code}`);
  const lines = [`Practice: ${practiceName()}.`, "Session types and prices:"];
  for (const service of services) {
    const prices = service.prices.map((price) => `${price.display} (${price.format})`).join(", ");
    lines.push(
      `- ${service.name} (${service.durationMinutes} minutes): ${service.description} Price: ${prices}.${service.requiresConsent ? " Needs a consent form before booking." : ""}`,
    );
  }
  if (rules.data) {
    lines.push(
      "Booking policies:",
      `- Book at least ${hours(rules.data.minimum_notice_minutes)} ahead and at most ${rules.data.horizon_days} days ahead.`,
      `- A confirmed booking can be changed or cancelled online up to ${hours(rules.data.change_window_minutes)} before it starts; after that, contact the practice.`,
    );
  }
  const seen = new Set<string>();
  const slots: string[] = [];
  for (const row of opening.data ?? []) {
    const practitioner = [row.practitioners].flat()[0];
    const slot = `${WEEKDAYS[row.weekday]} ${row.start_time.slice(0, 5)}–${row.end_time.slice(0, 5)} (${practitioner?.time_zone ?? "UTC"})`;
    if (!seen.has(slot)) slots.push(slot);
    seen.add(slot);
  }
  lines.push(
    slots.length > 0
      ? `Opening hours: ${slots.join("; ")}. Exact free times are on the booking page.`
      : "Opening hours: see the booking page for free times.",
  );
  return lines.join("\n");
}
