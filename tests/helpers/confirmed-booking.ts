// Confirmed bookings at chosen instants, written with SQL as the database owner: reminders and
// staff notifications need sessions at exact times (a daylight-saving day, 23 hours from now)
// that the booking endpoints would refuse (minimum notice, working hours). Each caller makes its
// own practitioner, so a shared database never sees two of these overlap.

import type { Database } from "../../dev/supabase/database.js";
import { BOOKING_SEALED_COLUMNS } from "../../lib/bookings/sealed-columns.js";
import { sealPersonalData } from "../../lib/crypto/personal-data.js";
import { practitionerName } from "./practitioner.js";

/** The seeded individual session type (supabase/seed.sql). */
const INDIVIDUAL = "5e55a0e1-0000-4000-8000-000000000001";

/** A practitioner with no working hours (UTC unless told), for bookings written with SQL. */
export async function newPractitioner(
  db: Database,
  options: { userId?: string; timeZone?: string } = {},
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into public.practitioners (user_id, display_name, time_zone)
     values ($1, $2, $3) returning id`,
    [options.userId ?? null, practitionerName("notifications"), options.timeZone ?? "UTC"],
  );
  return rows[0]?.id as string;
}

export interface ConfirmedBooking {
  practitionerId: string;
  start: Date;
  /** Default: a month before the start. */
  createdAt?: Date;
  status?: "confirmed" | "cancelled";
  /** As the customer typed it; none when omitted. */
  phone?: string;
  smsOptIn?: boolean;
}

/** A 30-minute session; answers its id. */
export async function insertBooking(db: Database, booking: ConfirmedBooking): Promise<string> {
  const seal = (value: string, column: keyof typeof BOOKING_SEALED_COLUMNS) =>
    sealPersonalData(value, BOOKING_SEALED_COLUMNS[column]);
  const end = new Date(booking.start.getTime() + 30 * 60_000);
  const createdAt = booking.createdAt ?? new Date(booking.start.getTime() - 30 * 86_400_000);
  const { rows } = await db.query<{ id: string }>(
    `insert into public.bookings (
       practitioner_id, session_type_id, format, during, blocked, status, amount_minor, currency,
       customer_name_sealed, customer_email_sealed, customer_email_hash, customer_phone_sealed,
       sms_opt_in, created_at
     )
     values ($1, $2, 'video', tstzrange($3, $4, '[)'), tstzrange($3, $4, '[)'), $5, 0, 'INR',
       $6, $7, $8, $9, $10, $11)
     returning id`,
    [
      booking.practitionerId,
      INDIVIDUAL,
      booking.start.toISOString(),
      end.toISOString(),
      booking.status ?? "confirmed",
      seal("Asha Rao", "customer_name_sealed"),
      seal("asha@example.test", "customer_email_sealed"),
      crypto.randomUUID(),
      booking.phone === undefined ? null : seal(booking.phone, "customer_phone_sealed"),
      String(booking.smsOptIn ?? false),
      createdAt.toISOString(),
    ],
  );
  return rows[0]?.id as string;
}
