// The PostgREST subset of the local stack, driven through the real supabase-js client, with
// two real users signed up through the local Auth API, against the fixture migration's RLS.
import { randomUUID } from "node:crypto";
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_MIGRATIONS, startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

let stack: TestSupabase;
let alice: SupabaseClient;
let bob: SupabaseClient;
let anon: SupabaseClient;
let service: SupabaseClient;
let aliceId: string;
let bobId: string;
// A shared PostgreSQL (DATABASE_URL) keeps rows between runs: names carry this run's tag.
const run = randomUUID().slice(0, 8);

async function signUp(name: string): Promise<{ client: SupabaseClient; id: string }> {
  const { data, error } = await stack
    .client()
    .auth.signUp({ email: `${name}-${run}@example.test`, password: "correct horse battery" });
  if (error || !data.session || !data.user) throw error ?? new Error("no session");
  return { client: stack.client(data.session.access_token), id: data.user.id };
}

beforeAll(async () => {
  stack = await startTestSupabase({ migrationDirs: [FIXTURE_MIGRATIONS] });
  const a = await signUp("alice");
  alice = a.client;
  aliceId = a.id;
  const b = await signUp("bob");
  bob = b.client;
  bobId = b.id;
  anon = stack.client();
  service = stack.client(stack.serviceRoleKey);
  const authors = await service
    .from("authors")
    .insert([{ name: `Ann ${run}` }, { name: `Ben ${run}` }])
    .select("id, name");
  expect(authors.error).toBeNull();
  const [ann] = authors.data ?? [];
  const notes = await alice.from("notes").insert(
    [
      {
        title: "groceries",
        priority: 1,
        tags: ["home"],
        meta: { color: "green" },
        author_id: ann?.id,
      },
      { title: "taxes", priority: 5, body: "due soon", tags: ["money", "home"] },
      { title: "holiday", priority: 9, body: "book flights" },
    ],
    { defaultToNull: false },
  );
  expect(notes.error).toBeNull();
  expect((await bob.from("notes").insert({ title: "bob's secret", priority: 7 })).error).toBeNull();
});

afterAll(async () => {
  await stack?.close();
});

describe("row-level security decides what each caller sees", () => {
  it("shows each user only their own rows", async () => {
    const mine = await alice.from("notes").select("title").order("title");
    expect(mine.data).toEqual([{ title: "groceries" }, { title: "holiday" }, { title: "taxes" }]);
    const theirs = await bob.from("notes").select("title");
    expect(theirs.data).toEqual([{ title: "bob's secret" }]);
  });

  it("keeps concurrent requests from different users apart", async () => {
    const requests = Array.from({ length: 20 }, (_, i) => (i % 2 ? alice : bob)).map((client) =>
      client.from("notes").select("owner_id"),
    );
    const results = await Promise.all(requests);
    results.forEach((result, i) => {
      const expected = i % 2 ? aliceId : bobId;
      expect(result.data?.length).toBeGreaterThan(0);
      expect(result.data?.every((row) => row.owner_id === expected)).toBe(true);
    });
  });

  it("lets no user update another user's rows", async () => {
    const attempt = await bob
      .from("notes")
      .update({ title: "pwned" })
      .eq("owner_id", aliceId)
      .select();
    expect(attempt.error).toBeNull();
    expect(attempt.data).toEqual([]);
    const still = await alice.from("notes").select("title").eq("title", "pwned");
    expect(still.data).toEqual([]);
  });

  it("refuses an insert that claims another owner with 403 and 42501", async () => {
    const forged = await bob.from("notes").insert({ title: "planted", owner_id: aliceId });
    expect(forged.status).toBe(403);
    expect(forged.error?.code).toBe("42501");
  });

  it("refuses an anonymous insert with 401 and 42501", async () => {
    const attempt = await anon.from("notes").insert({ title: "anonymous" });
    expect(attempt.status).toBe(401);
    expect(attempt.error?.code).toBe("42501");
    expect(attempt.error?.message).toMatch(/row-level security/);
  });

  it("shows anon nothing of a table without an anon policy", async () => {
    const rows = await anon.from("notes").select("*");
    expect(rows.data).toEqual([]);
  });

  it("lets the service role bypass RLS", async () => {
    const all = await service
      .from("notes")
      .select("title")
      .in("owner_id", [aliceId, bobId])
      .in("title", ["taxes", "bob's secret"]);
    expect(all.data?.map((row) => row.title).sort()).toEqual(["bob's secret", "taxes"]);
  });

  it("runs functions as the caller, so RLS applies inside them", async () => {
    expect((await alice.rpc("my_note_count")).data).toBe(3);
    expect((await bob.rpc("my_note_count")).data).toBe(1);
    const whoami = await alice.rpc("whoami");
    expect(whoami.data).toEqual({ uid: aliceId, role: "authenticated" });
  });
});

describe("reading", () => {
  it("filters with eq, neq, gt, gte, lt, lte, like, ilike, in, is and not", async () => {
    const titles = async (query: PromiseLike<{ data: { title: string }[] | null }>) =>
      ((await query).data ?? []).map((row) => row.title).sort();
    const notes = () => alice.from("notes").select("title");
    expect(await titles(notes().eq("priority", 5))).toEqual(["taxes"]);
    expect(await titles(notes().neq("priority", 5))).toEqual(["groceries", "holiday"]);
    expect(await titles(notes().gt("priority", 1).lt("priority", 9))).toEqual(["taxes"]);
    expect(await titles(notes().gte("priority", 5).lte("priority", 9))).toEqual([
      "holiday",
      "taxes",
    ]);
    expect(await titles(notes().like("title", "*o*"))).toEqual(["groceries", "holiday"]);
    expect(await titles(notes().ilike("title", "TAX%"))).toEqual(["taxes"]);
    expect(await titles(notes().in("title", ["taxes", "holiday", "a,b"]))).toEqual([
      "holiday",
      "taxes",
    ]);
    expect(await titles(notes().is("body", null))).toEqual(["groceries"]);
    expect(await titles(notes().not("body", "is", null))).toEqual(["holiday", "taxes"]);
    expect(await titles(notes().not("priority", "in", "(1,5)"))).toEqual(["holiday"]);
    expect(await titles(notes().contains("tags", ["home"]))).toEqual(["groceries", "taxes"]);
    expect(await titles(notes().eq("meta->>color", "green"))).toEqual(["groceries"]);
  });

  it("combines filters with or=() and nested and()", async () => {
    const rows = await alice
      .from("notes")
      .select("title")
      .or("priority.eq.9,and(priority.eq.1,title.eq.groceries)")
      .order("priority", { ascending: false });
    expect(rows.data).toEqual([{ title: "holiday" }, { title: "groceries" }]);
  });

  it("orders, limits, offsets and counts exactly", async () => {
    const page = await alice
      .from("notes")
      .select("title, priority", { count: "exact" })
      .order("priority", { ascending: false })
      .range(1, 1);
    expect(page.data).toEqual([{ title: "taxes", priority: 5 }]);
    expect(page.count).toBe(3);
    const head = await alice.from("notes").select("*", { count: "exact", head: true });
    expect(head.count).toBe(3);
    expect(head.data).toBeNull();
  });

  it("selects aliases, JSON paths and casts", async () => {
    const row = await alice
      .from("notes")
      .select("name:title, color:meta->>color, priority::text")
      .eq("title", "groceries")
      .single();
    expect(row.data).toEqual({ name: "groceries", color: "green", priority: "1" });
  });

  it("embeds a to-one and a to-many relationship over foreign keys", async () => {
    const note = await alice
      .from("notes")
      .select("title, author:authors(name)")
      .eq("title", "groceries")
      .single();
    expect(note.data).toEqual({ title: "groceries", author: { name: `Ann ${run}` } });
    const authors = await alice
      .from("authors")
      .select("name, notes(title)")
      .in("name", [`Ann ${run}`, `Ben ${run}`])
      .order("name");
    expect(authors.data).toEqual([
      { name: `Ann ${run}`, notes: [{ title: "groceries" }] },
      { name: `Ben ${run}`, notes: [] },
    ]);
    const inner = await alice
      .from("authors")
      .select("name, notes!inner(title)")
      .in("name", [`Ann ${run}`, `Ben ${run}`]);
    expect(inner.data).toEqual([{ name: `Ann ${run}`, notes: [{ title: "groceries" }] }]);
  });

  it("answers .single() on zero rows with 406 PGRST116, and .maybeSingle() with null", async () => {
    const none = await alice.from("notes").select("*").eq("title", "missing").single();
    expect(none.status).toBe(406);
    expect(none.error?.code).toBe("PGRST116");
    const many = await alice.from("notes").select("*").single();
    expect(many.error?.code).toBe("PGRST116");
    const maybe = await alice.from("notes").select("*").eq("title", "missing").maybeSingle();
    expect(maybe).toMatchObject({ data: null, error: null });
  });
});

describe("writing", () => {
  it("fills keys missing from some rows of a bulk insert with NULL, as PostgREST does", async () => {
    const attempt = await alice.from("notes").insert([{ title: "a", priority: 2 }, { title: "b" }]);
    expect(attempt.status).toBe(400);
    expect(attempt.error?.code).toBe("23502");
    expect((await alice.from("notes").select("title").eq("title", "a")).data).toEqual([]);
  });

  it("upserts on conflict: merge updates, ignore keeps the row", async () => {
    const first = await alice
      .from("settings")
      .upsert({ key: "theme", value: "dark" })
      .select("key, value");
    expect(first.data).toEqual([{ key: "theme", value: "dark" }]);
    const merged = await alice
      .from("settings")
      .upsert({ key: "theme", value: "light" }, { onConflict: "owner_id,key" })
      .select("key, value");
    expect(merged.data).toEqual([{ key: "theme", value: "light" }]);
    const ignored = await alice
      .from("settings")
      .upsert(
        { key: "theme", value: "blue" },
        { onConflict: "owner_id,key", ignoreDuplicates: true },
      )
      .select("key, value");
    expect(ignored.data).toEqual([]);
    const stored = await alice.from("settings").select("key, value");
    expect(stored.data).toEqual([{ key: "theme", value: "light" }]);
  });

  it("updates and deletes only matching rows, returning them when asked", async () => {
    const inserted = await alice
      .from("notes")
      .insert({ title: "scratch", priority: 3 })
      .select("id")
      .single();
    const id = inserted.data?.id as number;
    const updated = await alice
      .from("notes")
      .update({ priority: 4 })
      .eq("id", id)
      .select("priority");
    expect(updated.data).toEqual([{ priority: 4 }]);
    const deleted = await alice.from("notes").delete().eq("id", id).select("title");
    expect(deleted.data).toEqual([{ title: "scratch" }]);
    const gone = await alice.from("notes").select("id").eq("id", id);
    expect(gone.data).toEqual([]);
  });

  it("rolls a write back when .single() finds more than one row", async () => {
    const attempt = await alice
      .from("notes")
      .update({ body: "bulk" })
      .gte("priority", 1)
      .select()
      .single();
    expect(attempt.error?.code).toBe("PGRST116");
    const unchanged = await alice.from("notes").select("title").eq("body", "bulk");
    expect(unchanged.data).toEqual([]);
  });

  it("maps a unique violation to 409 23505", async () => {
    const duplicate = await service.from("authors").insert({ name: `Ann ${run}` });
    expect(duplicate.status).toBe(409);
    expect(duplicate.error?.code).toBe("23505");
  });
});

describe("functions", () => {
  it("return a scalar, a set of scalars, a set of rows and a single row", async () => {
    expect((await alice.rpc("add_numbers", { a: 2, b: 3 })).data).toBe(5);
    expect((await alice.rpc("add_numbers", { a: 2 })).data).toBe(3);
    expect((await alice.rpc("add_numbers", { a: 4, b: 4 }, { get: true })).data).toBe(8);
    expect((await alice.rpc("count_up", { n: 3 })).data).toEqual([1, 2, 3]);
    const rows = await alice
      .rpc("notes_with_priority", { min_priority: 5 })
      .select("title")
      .order("priority");
    expect(rows.data).toEqual([{ title: "taxes" }, { title: "holiday" }]);
    const newest = await alice.rpc("newest_note").select("title");
    expect(newest.data).toEqual({ title: "holiday" });
  });

  it("answer 404 PGRST202 for an unknown function", async () => {
    const missing = await alice.rpc("no_such_function", { x: 1 });
    expect(missing.status).toBe(404);
    expect(missing.error?.code).toBe("PGRST202");
  });
});

describe("hostile and unsupported input", () => {
  it("treats SQL in filter values as data", async () => {
    const attempt = await alice.from("notes").select("title").eq("title", "x' or '1'='1");
    expect(attempt.data).toEqual([]);
    const orAttempt = await alice.from("notes").select("title").or('title.eq."x\') or true --"');
    expect(orAttempt.data).toEqual([]);
    expect((await alice.from("notes").select("title")).data).toHaveLength(3);
  });

  it("rejects column, table and order names that are not in the catalog", async () => {
    const column = await alice.from("notes").select('title,"id; drop table notes; --"');
    expect(column.status).toBe(400);
    expect(column.error?.code).toBe("42703");
    const order = await alice.from("notes").select("title").order("title; drop table notes");
    expect(order.status).toBe(400);
    const table = await alice.from("notes; drop table notes").select("*");
    expect(table.status).toBe(404);
    expect(table.error?.code).toBe("PGRST205");
    const filterColumn = await alice.from("notes").select("title").eq("1=1 or title", "x");
    expect(filterColumn.status).toBe(400);
    expect((await alice.from("notes").select("title")).data).toHaveLength(3);
  });

  it("answers 501 naming a feature outside the subset", async () => {
    const fts = await alice.from("notes").select("title").textSearch("title", "tax");
    expect(fts.status).toBe(501);
    expect(fts.error?.message).toMatch(/fts filter is not supported by the local stack/);
    const csv = await alice.from("notes").select("title").csv();
    expect(csv.status).toBe(501);
  });

  it("rejects a forged or missing token", async () => {
    const forged = stack.client(`${stack.anonKey.slice(0, -4)}AAAA`);
    const attempt = await forged.from("notes").select("*");
    expect(attempt.status).toBe(401);
    expect(attempt.error?.code).toBe("PGRST301");
    const noKey = await fetch(`${stack.url}/rest/v1/notes`);
    expect(noKey.status).toBe(401);
  });
});
