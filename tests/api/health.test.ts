// GET /api/health through the dev server against the local stack: states only, no secrets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../helpers/api.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

describe("GET /api/health", () => {
  it("reports the database reachable, the cache not configured and nothing missing, with a version", async () => {
    const response = await fetch(`${api.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      version: "dev",
      checks: { database: "ok", cache: "not_configured", configuration: "ok" },
      configuration: [],
    });
  });

  it("shows no configuration value", async () => {
    const text = await (await fetch(`${api.url}/api/health`)).text();
    for (const value of [api.supabase.url, api.supabase.anonKey, api.supabase.serviceRoleKey]) {
      expect(text).not.toContain(value);
    }
    expect(text).not.toMatch(/127\.0\.0\.1|eyJ/);
  });

  it("answers HEAD without a body and other methods with 405", async () => {
    const head = await fetch(`${api.url}/api/health`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const post = await fetch(`${api.url}/api/health`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });
});
