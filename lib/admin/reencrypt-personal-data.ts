// Key rotation, step two (issue #5): after a new key is put first in PERSONAL_DATA_KEYS and
// deployed, every sealed value still under an older key is opened and sealed again under the
// new one, so the old key can be removed. `npm run reencrypt` (dev/reencrypt-personal-data.ts)
// runs it with the production configuration.
//
// - Every table with sealed columns is walked in batches ordered by id (keyset pagination: no
//   OFFSET that slows down as it goes, and rows inserted meanwhile cannot shift a page). All
//   rows are read, not only the stale ones: telling them apart needs the key id inside each
//   value, which PostgREST can only filter with LIKE patterns that key ids' "_" would spoil.
// - A row is written only when one of its values moves, with just the moved columns, and only
//   if each still holds the value that was read (`… where id = $1 and column = $old`): a row the
//   API changed in between is left alone and counted as a conflict; the next run takes it.
// - A value that does not open (a key no longer held, altered, not a sealed value at all) is
//   left as it is and reported by table, id, column and reason: never its content, never a crash.
//   The rest of its row still moves. Until such values are dealt with, the key they need must
//   stay in PERSONAL_DATA_KEYS.
// - The writes are plain updates through the service client, so the service role must be
//   allowed to change the sealed columns: consent_records is otherwise append-only, and its
//   trigger has to let exactly this change through (a sealed value moving to another key id).
// - A table whose read or write the database refuses stops there, with the error in its report;
//   the other tables still run. Running again is always safe: values already under the current
//   key are skipped without being written.
// - First, profile values stored before profiles were sealed are sealed (seal-unsealed-profiles.ts).
import type { SupabaseClient } from "@supabase/supabase-js";
import { PROFILE_SEALED_COLUMNS } from "../accounts/sealed-columns.js";
import { BOOKING_SEALED_COLUMNS } from "../bookings/sealed-columns.js";
import {
  CHANNEL_CONVERSATIONS_SEALED_COLUMNS,
  CHANNEL_CREDENTIALS_SEALED_COLUMNS,
} from "../channels/sealed-columns.js";
import { CONSENT_SEALED_COLUMNS } from "../consent/sealed-columns.js";
import {
  currentPersonalDataKeyId,
  needsReencryption,
  PersonalDataError,
  type PersonalDataFailure,
  reencrypt,
} from "../crypto/personal-data.js";
import { FLIGHT_BOOKING_SEALED_COLUMNS } from "../travel/sealed-columns.js";
import { sealUnsealedProfiles } from "./seal-unsealed-profiles.js";

/** Every table holding sealed values, with column → context. */
export const SEALED_TABLES: readonly SealedTable[] = [
  { table: "bookings", columns: BOOKING_SEALED_COLUMNS },
  { table: "consent_records", columns: CONSENT_SEALED_COLUMNS },
  { table: "profiles", columns: PROFILE_SEALED_COLUMNS },
  { table: "flight_bookings", columns: FLIGHT_BOOKING_SEALED_COLUMNS },
  // Shops' Telegram and Viber bot tokens and their customers' chat ids (issue 22).
  { table: "shop_channel_credentials", columns: CHANNEL_CREDENTIALS_SEALED_COLUMNS },
  { table: "channel_conversations", columns: CHANNEL_CONVERSATIONS_SEALED_COLUMNS },
];

export interface SealedTable {
  table: string;
  columns: Readonly<Record<string, string>>;
}

export interface UndecryptableValue {
  id: string;
  column: string;
  reason: PersonalDataFailure;
}

export interface TableReport {
  table: string;
  /** Rows read. */
  scanned: number;
  /** Rows written: at least one value moved to the current key. */
  reencrypted: number;
  /** Rows with nothing to move and nothing undecryptable (every value current, or none set). */
  upToDate: number;
  /** Rows changed by someone else between read and write; left for the next run. */
  conflicts: number;
  /** Values left as they were because they do not open. */
  undecryptable: UndecryptableValue[];
  /** Why the table stopped early (the database refused a read or a write), if it did. */
  error?: string;
}

export interface ReencryptionReport {
  /** The key id values were moved to. */
  keyId: string;
  tables: TableReport[];
}

export interface ReencryptionOptions {
  batchSize?: number;
  /** Called after each batch, with the table's counts so far. */
  onProgress?: (report: TableReport) => void;
}

/**
 * Below Supabase's default cap of 1,000 rows per response: a page cut short by the cap would
 * look like the last one and end the walk early.
 */
const DEFAULT_BATCH_SIZE = 500;
/** Row updates in flight at once: enough to hide round trips, few enough to stay polite. */
const PARALLEL_WRITES = 8;

type Row = Record<string, unknown> & { id: string };

/** Moves every sealed value of every table to the current key; see the notes at the top. */
export async function reencryptPersonalData(
  db: SupabaseClient,
  options: ReencryptionOptions = {},
): Promise<ReencryptionReport> {
  const keyId = currentPersonalDataKeyId();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const tables: TableReport[] = [await sealUnsealedProfiles(db, batchSize)];
  options.onProgress?.(tables[0] as TableReport);
  for (const sealed of SEALED_TABLES) tables.push(await reencryptTable(db, sealed, options));
  return { keyId, tables };
}

async function reencryptTable(
  db: SupabaseClient,
  { table, columns }: SealedTable,
  options: ReencryptionOptions,
): Promise<TableReport> {
  const report: TableReport = {
    table,
    scanned: 0,
    reencrypted: 0,
    upToDate: 0,
    conflicts: 0,
    undecryptable: [],
  };
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let after: string | undefined;
  try {
    for (;;) {
      let query = db
        .from(table)
        .select(["id", ...Object.keys(columns)].join(","))
        .order("id")
        .limit(batchSize);
      if (after !== undefined) query = query.gt("id", after);
      const { data, error } = await query.overrideTypes<Row[], { merge: false }>();
      if (error) throw new TableError(`reading failed: ${describeError(error)}`);
      report.scanned += data.length;
      const writes = data.flatMap((row) => {
        const { changes, failures } = resealRow(row, columns);
        report.undecryptable.push(...failures);
        if (Object.keys(changes).length > 0) return [{ row, changes }];
        if (failures.length === 0) report.upToDate += 1;
        return [];
      });
      for (let i = 0; i < writes.length; i += PARALLEL_WRITES) {
        const outcomes = await Promise.all(
          writes
            .slice(i, i + PARALLEL_WRITES)
            .map(({ row, changes }) => writeIfUnchanged(db, table, row, changes)),
        );
        for (const written of outcomes) {
          if (written) report.reencrypted += 1;
          else report.conflicts += 1;
        }
      }
      options.onProgress?.(report);
      if (data.length < batchSize) return report;
      after = data[data.length - 1]?.id;
    }
  } catch (error) {
    if (!(error instanceof TableError)) throw error;
    report.error = error.message;
    return report;
  }
}

/** The row's values that move to the current key, and those that do not open. */
function resealRow(
  row: Row,
  columns: Readonly<Record<string, string>>,
): { changes: Record<string, string>; failures: UndecryptableValue[] } {
  const changes: Record<string, string> = {};
  const failures: UndecryptableValue[] = [];
  for (const [column, context] of Object.entries(columns)) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    if (typeof value !== "string") {
      failures.push({ id: row.id, column, reason: "malformed" });
      continue;
    }
    try {
      if (needsReencryption(value)) changes[column] = reencrypt(value, context);
    } catch (error) {
      if (!(error instanceof PersonalDataError)) throw error;
      failures.push({ id: row.id, column, reason: error.reason });
    }
  }
  return { changes, failures };
}

/** Writes the changes unless a column among them no longer holds what was read; true if written. */
async function writeIfUnchanged(
  db: SupabaseClient,
  table: string,
  row: Row,
  changes: Record<string, string>,
): Promise<boolean> {
  let update = db.from(table).update(changes).eq("id", row.id);
  for (const column of Object.keys(changes)) update = update.eq(column, row[column] as string);
  const { data, error } = await update.select("id");
  if (error) throw new TableError(`writing row ${row.id} failed: ${describeError(error)}`);
  return data.length > 0;
}

/** SQLSTATE and message; no code when the request never reached the database. */
const describeError = (error: { code: string; message: string }) =>
  [error.code, error.message].filter(Boolean).join(" ");

/** The database refused a read or a write: the table stops, the others go on. */
class TableError extends Error {}
