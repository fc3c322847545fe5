// GET /api/bookings: the caller's own bookings, newest first, a page at a time. The cursor is
// opaque to clients (base64url of the last row's created_at and id), so pages stay stable while
// new bookings arrive, unlike offsets.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { throwBookingError } from "./booking-errors.js";
import { BookingView, bookingView, parseBookingDocument } from "./booking-view.js";

const CURSOR = z
  .string()
  .max(200)
  .transform((text, context) => {
    const [createdAt, id] = Buffer.from(text, "base64url").toString("utf8").split("|");
    const parsed = z
      .object({ createdAt: z.iso.datetime({ offset: true }), id: z.uuid() })
      .safeParse({ createdAt, id });
    if (!parsed.success) {
      context.addIssue({ code: "custom", message: "Not a cursor this API gave out" });
      return z.NEVER;
    }
    return parsed.data;
  });

const CursorFields = z.object({ created_at: z.string(), id: z.uuid() });

export const BookingListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  /** `nextCursor` of the previous page. */
  cursor: CURSOR.optional(),
});
export type BookingListQuery = z.infer<typeof BookingListQuery>;

export const BookingList = z
  .object({
    bookings: z.array(BookingView),
    /** Pass as `cursor` for the next page; null on the last page. */
    nextCursor: z.string().nullable(),
  })
  .meta({ id: "BookingList" });
export type BookingList = z.infer<typeof BookingList>;

export async function listMyBookings(
  db: SupabaseClient,
  query: BookingListQuery,
): Promise<BookingList> {
  // One more than asked, to know whether there is a next page.
  const { data, error } = await db.rpc("my_bookings", {
    p_limit: query.limit + 1,
    p_after_created_at: query.cursor?.createdAt ?? null,
    p_after_id: query.cursor?.id ?? null,
  });
  if (error) throwBookingError(error, "listing bookings");
  const rows = z.array(z.unknown()).parse(data);
  const page = rows.slice(0, query.limit);
  // Postgres' own text of created_at (microseconds), not a Date's milliseconds, so the next
  // page starts exactly after the last row.
  const last = page.length > 0 ? CursorFields.parse(page.at(-1)) : undefined;
  return {
    bookings: page.map((row) => bookingView(parseBookingDocument(row))),
    nextCursor:
      rows.length > query.limit && last
        ? Buffer.from(`${last.created_at}|${last.id}`).toString("base64url")
        : null,
  };
}
