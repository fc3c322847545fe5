// `npm run reencrypt`: moves every sealed personal-data value to the first key of
// PERSONAL_DATA_KEYS (lib/admin/reencrypt-personal-data.ts), then prints what it did. Run it
// with the environment of the deployment whose database it should rewrite: SUPABASE_URL,
// SUPABASE_SERVICE_ROLE_KEY and both personal-data keys. The shell's variables come first, then
// .env, then .env.local (the local stack's URL and keys, as `npm run dev` wrote them).
//
// Exit code 0 when every value is under the current key; 1 when a value could not be opened, a
// row changed during the run or a table stopped early (run again, or deal with the values
// listed: the key they need must stay until then).
import { join } from "node:path";
import {
  type ReencryptionReport,
  reencryptPersonalData,
  type TableReport,
} from "../lib/admin/reencrypt-personal-data.js";
import { serviceClient } from "../lib/db/service-client.js";
import { loadUserEnv } from "./local-env.js";

loadUserEnv(join(process.cwd(), ".env"));
loadUserEnv(join(process.cwd(), ".env.local"));

/** Enough to act on; a longer list only scrolls the counts away. */
const MAX_LISTED = 50;

async function main(): Promise<number> {
  console.info(`Re-encrypting personal data in ${process.env.SUPABASE_URL ?? "(no SUPABASE_URL)"}`);
  const report = await reencryptPersonalData(serviceClient(), {
    onProgress: (table) =>
      process.stdout.write(`\r  ${table.table}: ${table.scanned} rows read`.padEnd(60)),
  });
  printReport(report);
  const incomplete = report.tables.some(
    (table) => table.undecryptable.length > 0 || table.conflicts > 0 || table.error !== undefined,
  );
  return incomplete ? 1 : 0;
}

function printReport({ keyId, tables }: ReencryptionReport): void {
  const width = Math.max(...tables.map((table) => table.table.length));
  console.info(`\nCurrent key: ${keyId}`);
  for (const table of tables) console.info(`  ${table.table.padEnd(width)}  ${counts(table)}`);
  for (const table of tables) {
    if (table.error) console.info(`\n${table.table} stopped early: ${table.error}`);
  }
  const undecryptable = tables.flatMap((table) =>
    table.undecryptable.map((value) => ({ table: table.table, ...value })),
  );
  if (undecryptable.length > 0) {
    console.info(
      `\n${undecryptable.length} value(s) do not open and were left as they are` +
        " (unknown_key: sealed under a key this configuration lacks; authentication_failed:" +
        " altered, or copied from another column; malformed: not a sealed value). Keep the keys" +
        " they may need in PERSONAL_DATA_KEYS until they are dealt with:",
    );
    for (const value of undecryptable.slice(0, MAX_LISTED)) {
      console.info(`  ${value.table} ${value.id} ${value.column}: ${value.reason}`);
    }
    if (undecryptable.length > MAX_LISTED) {
      console.info(`  … and ${undecryptable.length - MAX_LISTED} more`);
    }
  }
  if (tables.some((table) => table.conflicts > 0)) {
    console.info("\nRows changed while this ran were left alone: run it again to move them.");
  }
}

function counts(table: TableReport): string {
  return [
    `${table.scanned} read`,
    `${table.reencrypted} re-encrypted`,
    `${table.upToDate} up to date`,
    `${table.conflicts} changed meanwhile`,
    `${table.undecryptable.length} undecryptable value(s)`,
  ].join(", ");
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("\nRe-encryption failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
