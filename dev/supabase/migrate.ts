// Brings a database to the state supabase/ describes: the Supabase base and the extensions the
// stack plays (pg_net, Vault, pg_cron), then every migration not yet applied (in file-name order, each in its own transaction), then the seed when it
// changed. A failing file stops start-up, naming the file and carrying Postgres' error.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Database } from "./database.js";
import { installExtensions } from "./extensions/index.js";

const BOOTSTRAP_SQL = new URL("./bootstrap.sql", import.meta.url);
const MIGRATION_FILE = /^(\d+)_[\w-]+\.sql$/;

export class MigrationError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`${file} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export interface MigrationPlan {
  /** Folders of <version>_<name>.sql files; all of them are applied in one version order. */
  migrationDirs: string[];
  seedFile?: string | undefined;
}

export async function migrate(db: Database, plan: MigrationPlan): Promise<string[]> {
  await runFile(db, "bootstrap.sql", readFileSync(BOOTSTRAP_SQL, "utf8"));
  await installExtensions(db, (file, sql) => runFile(db, file, sql));
  const applied = new Set(
    (
      await db.query<{ version: string }>(
        "select version from supabase_migrations.schema_migrations",
      )
    ).rows.map((row) => row.version),
  );
  const newlyApplied: string[] = [];
  for (const path of migrationFiles(plan.migrationDirs)) {
    const file = basename(path);
    if (applied.has(file)) continue;
    await runFile(db, file, readFileSync(path, "utf8"), file);
    newlyApplied.push(file);
  }
  if (plan.seedFile) {
    const seed = readFileSync(plan.seedFile, "utf8");
    const version = `seed-${createHash("sha256").update(seed).digest("hex").slice(0, 16)}`;
    if (!applied.has(version)) {
      await runFile(db, basename(plan.seedFile), seed, version);
      newlyApplied.push(basename(plan.seedFile));
    }
  }
  return newlyApplied;
}

function migrationFiles(dirs: string[]): string[] {
  return dirs
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((file) => MIGRATION_FILE.test(file))
        .map((file) => join(dir, file)),
    )
    .sort((a, b) => basename(a).localeCompare(basename(b)));
}

/** One simple-protocol script is one implicit transaction, so a failing file leaves no trace. */
async function runFile(db: Database, file: string, sql: string, version?: string): Promise<void> {
  const record = version
    ? `;\ninsert into supabase_migrations.schema_migrations (version, name) values ('${version}', '${file}');`
    : "";
  try {
    await db.exec(`${sql}${record}`);
  } catch (error) {
    throw new MigrationError(file, error);
  }
}
