// GET /api/config (the shop inbox opens Realtime with it): exactly the Supabase URL and the
// publishable (anon) key from configuration — never the service-role key or any other setting,
// never a URL made from the request's Host — cacheable for a few minutes. And which keys count
// as publishable: a secret or service-role key put in SUPABASE_ANON_KEY is never published
// (tests/api/config-refused.test.ts shows the endpoint's 503 for one).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPublishableKey } from "../../lib/platform/public-config.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { expectJson, sendFrom } from "../helpers/requests.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

/** A legacy JWT API key's shape with `claims` as its payload (the signature is not looked at). */
const jwtWith = (claims: Record<string, unknown>) =>
  ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "c2ln"].join(".");

describe("GET /api/config", () => {
  it("answers the Supabase URL and the anon key, and nothing else, cacheable", async () => {
    const response = await fetch(`${api.url}/api/config`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=300");
    const body = await response.json();
    expect(body).toEqual({ supabaseUrl: api.supabase.url, supabaseAnonKey: api.supabase.anonKey });
    expect(JSON.stringify(body)).not.toContain(api.supabase.serviceRoleKey);
  });

  it("takes the URL from configuration whatever Host the request names", async () => {
    const body = await expectJson<{ supabaseUrl: string }>(
      await sendFrom(api, "GET", "/api/config", { host: "attacker.example" }),
      200,
    );
    expect(body.supabaseUrl).toBe(api.supabase.url);
  });

  it("works with the anon key for the shop's Realtime channel (a publishable key)", () => {
    expect(isPublishableKey(api.supabase.anonKey)).toBe(true);
    expect(isPublishableKey(api.supabase.serviceRoleKey)).toBe(false);
  });

  it("publishes publishable and anon keys only", () => {
    expect(isPublishableKey("sb_publishable_abc123")).toBe(true);
    expect(isPublishableKey(jwtWith({ role: "anon", iss: "supabase" }))).toBe(true);
    expect(isPublishableKey("sb_secret_abc123")).toBe(false);
    expect(isPublishableKey(jwtWith({ role: "service_role" }))).toBe(false);
    expect(isPublishableKey(jwtWith({ role: "authenticated" }))).toBe(false);
    expect(isPublishableKey(jwtWith({}))).toBe(false);
    expect(isPublishableKey("not-a-key")).toBe(false);
    expect(isPublishableKey("a.%%%.b")).toBe(false);
  });

  it("refuses other methods", async () => {
    const response = await fetch(`${api.url}/api/config`, { method: "POST" });
    expect(response.status).toBe(405);
  });
});
