// A profile's name or phone that the database received in the clear — the name an account that
// existed before supabase/migrations/20261121000100_accounts.sql ran gave at sign-up, which SQL
// cannot seal (it holds no key) — waits in full_name_unsealed or phone_unsealed, out of every API
// role's reach. `npm run reencrypt` (reencrypt-personal-data.ts) runs this first: each such value
// is sealed into its column and the clear copy erased. A sealed value written since (the user
// saved their profile) is newer and stays; the clear copy is erased all the same. Rows are written
// only if they still hold what was read, as in the re-encryption; a row changed in between is a
// conflict for the next run.
import type { SupabaseClient } from "@supabase/supabase-js";
import { PROFILE_SEALED_COLUMNS } from "../accounts/sealed-columns.js";
import { sealPersonalData } from "../crypto/personal-data.js";
import type { TableReport } from "./reencrypt-personal-data.js";

/** The name the report goes by. */
export const UNSEALED_PROFILES = "profiles (values kept in the clear)";

/** Each clear column and the sealed one its value moves to. */
const MOVES = [
  { clear: "full_name_unsealed", sealed: "full_name_sealed" },
  { clear: "phone_unsealed", sealed: "phone_sealed" },
] as const;

type Row = { id: string } & Record<(typeof MOVES)[number]["clear" | "sealed"], string | null>;

export async function sealUnsealedProfiles(
  db: SupabaseClient,
  batchSize: number,
): Promise<TableReport> {
  const report: TableReport = {
    table: UNSEALED_PROFILES,
    scanned: 0,
    reencrypted: 0,
    upToDate: 0,
    conflicts: 0,
    undecryptable: [],
  };
  const columns = ["id", ...MOVES.flatMap(({ clear, sealed }) => [clear, sealed])].join(",");
  let after: string | undefined;
  for (;;) {
    let query = db
      .from("profiles")
      .select(columns)
      .or(MOVES.map(({ clear }) => `${clear}.not.is.null`).join(","))
      .order("id")
      .limit(batchSize);
    if (after !== undefined) query = query.gt("id", after);
    const { data, error } = await query.overrideTypes<Row[], { merge: false }>();
    if (error) {
      report.error = `reading failed: ${error.code} ${error.message}`;
      return report;
    }
    report.scanned += data.length;
    for (const row of data) {
      const { data: written, error: refused } = await writeIfUnchanged(db, row);
      if (refused) {
        report.error = `writing row ${row.id} failed: ${refused.code} ${refused.message}`;
        return report;
      }
      if (written.length > 0) report.reencrypted += 1;
      else report.conflicts += 1;
    }
    if (data.length < batchSize) return report;
    after = data[data.length - 1]?.id;
  }
}

/** Seals what has no sealed value yet, erases the clear copies; only if the row is as read. */
function writeIfUnchanged(db: SupabaseClient, row: Row) {
  const changes: Record<string, string | null> = {};
  for (const { clear, sealed } of MOVES) {
    const value = row[clear];
    changes[clear] = null;
    if (value !== null && row[sealed] === null) {
      changes[sealed] = sealPersonalData(value, PROFILE_SEALED_COLUMNS[sealed]);
    }
  }
  let update = db.from("profiles").update(changes).eq("id", row.id);
  for (const column of Object.keys(row) as (keyof Row)[]) {
    if (column === "id") continue;
    const value = row[column];
    update = value === null ? update.is(column, null) : update.eq(column, value);
  }
  return update.select("id");
}
