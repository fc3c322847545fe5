// The data clients against the local stack with the fixture's owner-only notes table: the user
// client is the caller as far as RLS goes, the service client sees everything and stays the
// service role whatever happens on it, and the anon client is a signed-out visitor.
import type { SupabaseClient } from "@supabase/supabase-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FIXTURE_MIGRATIONS,
  startTestSupabase,
  type TestSupabase,
} from "../../helpers/supabase.js";
import { PASSWORD, signUp } from "../auth/tokens.js";

let stack: TestSupabase;
let userClient: typeof import("../../../lib/db/user-client.js").userClient;
let serviceClient: typeof import("../../../lib/db/service-client.js").serviceClient;
let anonClient: typeof import("../../../lib/db/anon-client.js").anonClient;
const alice = { id: "", token: "", email: "" };
const bob = { id: "", token: "", email: "" };

beforeAll(async () => {
  stack = await startTestSupabase({ migrationDirs: [FIXTURE_MIGRATIONS] });
  process.env.SUPABASE_URL = stack.url;
  process.env.SUPABASE_ANON_KEY = stack.anonKey;
  process.env.SUPABASE_SERVICE_ROLE_KEY = stack.serviceRoleKey;
  ({ userClient } = await import("../../../lib/db/user-client.js"));
  ({ serviceClient } = await import("../../../lib/db/service-client.js"));
  ({ anonClient } = await import("../../../lib/db/anon-client.js"));
  for (const person of [alice, bob]) {
    const session = await signUp(stack);
    Object.assign(person, {
      id: session.user.id,
      token: session.access_token,
      email: session.user.email,
    });
    const { error } = await userClient(person.token)
      .from("notes")
      .insert([{ title: `${person.id} one` }, { title: `${person.id} two` }]);
    expect(error).toBeNull();
  }
});

afterAll(async () => {
  await stack?.close();
});

/** Owners of the notes the client can see among this file's two users. */
async function visibleOwners(client: SupabaseClient): Promise<string[]> {
  const { data, error } = await client
    .from("notes")
    .select("owner_id")
    .in("owner_id", [alice.id, bob.id])
    .order("id");
  expect(error).toBeNull();
  return (data ?? []).map((row) => row.owner_id as string);
}

describe("userClient", () => {
  it("sees only the caller's rows", async () => {
    expect(await visibleOwners(userClient(alice.token))).toEqual([alice.id, alice.id]);
    expect(await visibleOwners(userClient(bob.token))).toEqual([bob.id, bob.id]);
  });

  it("cannot write a row for another user", async () => {
    const { error } = await userClient(alice.token)
      .from("notes")
      .insert({ owner_id: bob.id, title: "planted" });
    expect(error).toMatchObject({ code: "42501" });
  });

  it("is a new client per call, so one caller's client never serves another", () => {
    expect(userClient(alice.token)).not.toBe(userClient(alice.token));
  });
});

describe("serviceClient", () => {
  it("bypasses row-level security", async () => {
    expect(await visibleOwners(serviceClient())).toEqual([alice.id, alice.id, bob.id, bob.id]);
  });

  it("is one client per instance", () => {
    expect(serviceClient()).toBe(serviceClient());
  });

  it("stays the service role even after a user signs in on it", async () => {
    const { error } = await serviceClient().auth.signInWithPassword({
      email: alice.email,
      password: PASSWORD,
    });
    expect(error).toBeNull();
    expect(await visibleOwners(serviceClient())).toEqual([alice.id, alice.id, bob.id, bob.id]);
  });
});

describe("anonClient", () => {
  it("is a signed-out visitor: the owner-only rows are hidden", async () => {
    expect(await visibleOwners(anonClient())).toEqual([]);
    const { data } = await anonClient().rpc("whoami");
    expect(data).toEqual({ uid: null, role: "anon" });
  });
});
