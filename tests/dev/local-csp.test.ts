// The dev server's one change to vercel.json's page policy (dev/vercel/local-csp.ts): on the local
// stack, connect-src also names the local Supabase API (http and ws), where the shop inbox opens
// Realtime; every other directive, and every other deployment, is left as vercel.json says.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allowLocalSupabase } from "../../dev/vercel/local-csp.js";

interface VercelJson {
  headers: { source: string; headers: { key: string; value: string }[] }[];
}
const vercel = JSON.parse(readFileSync("vercel.json", "utf8")) as VercelJson;
const PAGE_POLICY =
  vercel.headers
    .flatMap((rule) => rule.headers)
    .find((header) => header.key === "Content-Security-Policy")?.value ?? "";
const LOCAL = { BASTION_LOCAL_STACK: "1", SUPABASE_URL: "http://127.0.0.1:54321" };

const directives = (policy: string) =>
  new Map(
    policy.split(";").map((directive) => {
      const [name = "", ...sources] = directive.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );

function applied(env: Record<string, string | undefined>, policy = PAGE_POLICY): string {
  const headers = new Headers({ "content-security-policy": policy });
  allowLocalSupabase(headers, env);
  return headers.get("content-security-policy") ?? "";
}

describe("the page policy", () => {
  it("lets the pages reach hosted Supabase (Realtime) over https and wss, and no wider", () => {
    const connect = directives(PAGE_POLICY).get("connect-src");
    expect(connect).toEqual([
      "'self'",
      "https://*.razorpay.com",
      "https://*.supabase.co",
      "wss://*.supabase.co",
    ]);
  });

  it("adds the local Supabase API to connect-src on the local stack, nothing else", () => {
    const before = directives(PAGE_POLICY);
    const after = directives(applied(LOCAL));
    expect(after.get("connect-src")).toEqual([
      ...(before.get("connect-src") ?? []),
      "http://127.0.0.1:54321",
      "ws://127.0.0.1:54321",
    ]);
    for (const [name, sources] of before) {
      if (name !== "connect-src") expect(after.get(name), name).toEqual(sources);
    }
  });

  it("is left alone off the local stack, without a SUPABASE_URL or without connect-src", () => {
    expect(applied({ SUPABASE_URL: LOCAL.SUPABASE_URL })).toBe(PAGE_POLICY);
    expect(applied({ BASTION_LOCAL_STACK: "1" })).toBe(PAGE_POLICY);
    expect(applied(LOCAL, "default-src 'none'")).toBe("default-src 'none'");
    const headers = new Headers();
    allowLocalSupabase(headers, LOCAL);
    expect(headers.has("content-security-policy")).toBe(false);
  });
});
