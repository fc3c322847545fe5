// GET /api/bookings: the caller's own bookings, newest first, a page at a time. The cursor is
// opaque to clients (base64url of the last row's created_at and id), so pages stay stable while
// new bookings arrive, unlike offsets.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { encodeCursor, PageCursor } from "../http/page-cursor.js";
import { throwBookingError } from "./booking-errors.js";
import { BookingView, bookingView, parseBookingDocument } from "./booking-view.js";

const CursorFields = z.object({ created_at: z.string(), id: z.uuid() });

export const BookingListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(50).default(20),
  /** `nextCursor` of the previous page. */
  cursor: PageCursor.optional(),
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
    nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null,
  };
}
