// The health check's database probe, through public.health() from supabase/migrations.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSupabase, type TestSupabase } from "../../helpers/supabase.js";

let stack: TestSupabase;
let stackRunning = false;
let databaseReachable: typeof import("../../../lib/db/health.js").databaseReachable;

beforeAll(async () => {
  stack = await startTestSupabase();
  stackRunning = true;
  process.env.SUPABASE_URL = stack.url;
  process.env.SUPABASE_ANON_KEY = stack.anonKey;
  ({ databaseReachable } = await import("../../../lib/db/health.js"));
});

afterAll(async () => {
  if (stackRunning) await stack.close();
});

describe("databaseReachable", () => {
  it("is true while the database answers the anon key", async () => {
    await expect(databaseReachable()).resolves.toBe(true);
  });

  it("is false once the database is gone", async () => {
    await stack.close();
    stackRunning = false;
    await expect(databaseReachable()).resolves.toBe(false);
  });
});
