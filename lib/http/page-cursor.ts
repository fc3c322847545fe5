// Opaque page cursors (base64url of the last row's created_at and id) for every list that pages
// (bookings, shops' products, orders, submissions, conversations): pages stay stable while rows
// arrive, unlike offsets.
import * as z from "zod";

export const PageCursor = z
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

export const PageLimit = z.coerce.number().int().min(1).max(100).default(25);

/** The next page's cursor when one more row than the page came back. */
export function nextCursor(
  rows: readonly { created_at: string; id: string }[],
  limit: number,
): string | null {
  const last = rows[limit - 1];
  return rows.length > limit && last ? encodeCursor(last) : null;
}

/** The cursor naming a row: the page after it starts exactly past it. */
export function encodeCursor(row: { created_at: string; id: string }): string {
  return Buffer.from(`${row.created_at}|${row.id}`).toString("base64url");
}

/** PostgREST's filter for rows after the cursor, newest first. */
export function afterCursor(cursor: { createdAt: string; id: string }): string {
  return `created_at.lt.${cursor.createdAt},and(created_at.eq.${cursor.createdAt},id.lt.${cursor.id})`;
}
