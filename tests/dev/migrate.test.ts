// Start-up of the local Supabase API: the Supabase base, migrations in order, applied once and
// recorded, the seed, and a failing migration that stops start-up naming its file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSupabase } from "../../dev/supabase/server.js";

const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "bastion-migrate-"));
  temporary.push(root);
  mkdirSync(join(root, "migrations"));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(root, name), sql);
  return root;
}

describe("migrations", () => {
  it("apply in version order once, record what ran, and run the seed", async () => {
    const root = project({
      "migrations/20260102000000_second.sql": "alter table public.things add column size int;",
      "migrations/20260101000000_first.sql":
        "create table public.things (name text primary key);\nrevoke all on public.things from anon;",
      "seed.sql":
        "insert into public.things (name, size) values ('seeded', 1) on conflict do nothing;",
    });
    const options = {
      port: 0,
      dataDir: join(root, "pglite"),
      keysFile: join(root, "keys.json"),
      migrationDirs: [join(root, "migrations")],
      seedFile: join(root, "seed.sql"),
    };
    const first = await startSupabase(options);
    try {
      expect(first.migrationsApplied).toEqual([
        "20260101000000_first.sql",
        "20260102000000_second.sql",
        "seed.sql",
      ]);
      const things = await first.db.query("select name, size from public.things");
      expect(things.rows).toEqual([{ name: "seeded", size: 1 }]);
    } finally {
      await first.close();
    }
    const again = await startSupabase(options);
    try {
      expect(again.migrationsApplied).toEqual([]);
      // A restart must not hand back what a migration revoked.
      const privileges = await again.db.query(
        "select has_table_privilege('anon', 'public.things', 'select') as anon, has_table_privilege('authenticated', 'public.things', 'select') as authenticated",
      );
      expect(privileges.rows).toEqual([{ anon: false, authenticated: true }]);
      expect(again.anonKey).toBe(first.anonKey);
      const recorded = await again.db.query<{ version: string }>(
        "select version from supabase_migrations.schema_migrations order by version",
      );
      expect(recorded.rows.map((row) => row.version)).toEqual([
        "20260101000000_first.sql",
        "20260102000000_second.sql",
        expect.stringMatching(/^seed-[0-9a-f]{16}$/),
      ]);
    } finally {
      await again.close();
    }
  });

  it("stop start-up at a failing file, naming it with Postgres' error, and keep nothing of it", async () => {
    const root = project({
      "migrations/20260101000000_good.sql": "create table public.kept (id int);",
      "migrations/20260102000000_broken.sql":
        "create table public.half (id int);\nselect * from public.no_such_table;",
    });
    const options = {
      port: 0,
      dataDir: join(root, "pglite"),
      migrationDirs: [join(root, "migrations")],
    };
    await expect(startSupabase(options)).rejects.toThrow(
      /20260102000000_broken\.sql failed: relation "public\.no_such_table" does not exist/,
    );
    writeFileSync(join(root, "migrations/20260102000000_broken.sql"), "select 1;");
    const fixed = await startSupabase(options);
    try {
      expect(fixed.migrationsApplied).toEqual(["20260102000000_broken.sql"]);
      const half = await fixed.db.query("select to_regclass('public.half') as half");
      expect(half.rows).toEqual([{ half: null }]);
    } finally {
      await fixed.close();
    }
  });

  it("create the roles and auth functions Supabase migrations rely on", async () => {
    const stack = await startSupabase({ port: 0, migrationDirs: [] });
    try {
      const roles = await stack.db.query<{ rolname: string; rolbypassrls: boolean }>(
        "select rolname, rolbypassrls from pg_roles where rolname in ('anon', 'authenticated', 'service_role') order by rolname",
      );
      expect(roles.rows).toEqual([
        { rolname: "anon", rolbypassrls: false },
        { rolname: "authenticated", rolbypassrls: false },
        { rolname: "service_role", rolbypassrls: true },
      ]);
      const claims = await stack.db.transaction({}, async (query) => {
        await query("select set_config('request.jwt.claims', $1, true)", [
          JSON.stringify({ sub: "6f1c8a3e-3b8e-4d59-9a49-0c1f1f0f0f0f", role: "authenticated" }),
        ]);
        return (
          await query(
            "select auth.uid()::text as uid, auth.role() as role, auth.jwt() ->> 'role' as jwt_role",
          )
        ).rows;
      });
      expect(claims).toEqual([
        {
          uid: "6f1c8a3e-3b8e-4d59-9a49-0c1f1f0f0f0f",
          role: "authenticated",
          jwt_role: "authenticated",
        },
      ]);
    } finally {
      await stack.close();
    }
  });
});
