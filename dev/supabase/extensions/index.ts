// The Supabase extensions the local stack plays: pg_net (HTTP from SQL), Vault (secrets),
// pg_cron (schedules) and Realtime's database side (the realtime schema; Supabase's Realtime
// server creates it, not an extension, so no database here has it as one). Each SQL file creates the extension's SQL API; the worker and the
// scheduler that the real extensions run as background processes are started by the stack
// (dev/supabase/server.ts). A database where the real extension is installed keeps it.
import { readFileSync } from "node:fs";
import type { Database } from "../database.js";

const EMULATED = [
  { name: "pg_net", file: "pg_net.sql" },
  { name: "supabase_vault", file: "vault.sql" },
  { name: "pg_cron", file: "pg_cron.sql" },
  { name: "supabase_realtime", file: "realtime.sql" },
] as const;

export type ExtensionName = (typeof EMULATED)[number]["name"];

/** The extensions this database lacks, which the local stack plays instead. */
export async function emulatedExtensions(db: Database): Promise<Set<ExtensionName>> {
  const { rows } = await db.query<{ extname: string }>("select extname from pg_extension");
  const installed = new Set(rows.map((row) => row.extname));
  return new Set(EMULATED.map(({ name }) => name).filter((name) => !installed.has(name)));
}

/** Creates (or brings up to date) the SQL API of every extension the stack plays. */
export async function installExtensions(
  db: Database,
  run: (file: string, sql: string) => Promise<void>,
): Promise<void> {
  const emulated = await emulatedExtensions(db);
  for (const { name, file } of EMULATED) {
    if (emulated.has(name)) {
      await run(file, readFileSync(new URL(`./${file}`, import.meta.url), "utf8"));
    }
  }
}
