// The endpoint pipeline through real HTTP: the dev server's Vercel routing in front of a fixture
// app's functions, a local Supabase stack behind them, the in-process limiter and idempotency
// store (no Upstash configured in this file).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PIPELINE_APP, SPA_ORIGIN, startTestApi, type TestApi } from "../../helpers/api.js";
import { expectProblem } from "../../helpers/requests.js";
import { FIXTURE_MIGRATIONS } from "../../helpers/supabase.js";

let api: TestApi;
let ann: { id: string; accessToken: string };
let ben: { id: string; accessToken: string };

beforeAll(async () => {
  api = await startTestApi({ rootDir: PIPELINE_APP, migrationDirs: [FIXTURE_MIGRATIONS] });
  ann = await api.signUp();
  ben = await api.signUp();
});
afterAll(async () => {
  await api?.close();
});

const call = (path: string, init: RequestInit & { token?: string } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (typeof init.body === "string" && !headers.has("content-type")) {
    headers.set("content-type", "application/json");
  }
  return fetch(`${api.url}${path}`, { ...init, headers });
};

describe("request id", () => {
  it("uses the platform's x-vercel-id and echoes it as X-Request-Id, also in problems", async () => {
    const response = await call("/api/boom");
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toBe(response.headers.get("x-vercel-id"));
    expect((await expectProblem(response, 500, "internal_error")).requestId).toBe(requestId);
  });

  it("stamps a response whose headers are immutable (Response.redirect, fetch()) too", async () => {
    const response = await call("/api/moved", { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("https://elsewhere.example.test/new");
    expect(response.headers.get("x-request-id")).toBe(response.headers.get("x-vercel-id"));
    expect(response.headers.get("cache-control")).toBe("no-store");
  });
});

describe("CORS", () => {
  it("echoes an allowlisted origin exactly, with Vary: Origin", async () => {
    const response = await call("/api/echo", {
      method: "POST",
      headers: { origin: SPA_ORIGIN },
      body: JSON.stringify({ name: "Ann", count: 1 }),
    });
    expect(response.headers.get("access-control-allow-origin")).toBe(SPA_ORIGIN);
    expect(response.headers.get("vary")).toContain("Origin");
  });

  it.each(["http://evil.example", "null", "http://spa.example.test.evil.example"])(
    "grants nothing to origin %s",
    async (origin) => {
      const response = await call("/api/echo", {
        method: "POST",
        headers: { origin },
        body: JSON.stringify({ name: "Ann", count: 1 }),
      });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(response.headers.get("vary")).toContain("Origin");
    },
  );

  it("answers a preflight from an allowlisted origin for a served method", async () => {
    const response = await call("/api/notes", {
      method: "OPTIONS",
      headers: {
        origin: SPA_ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, idempotency-key",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(SPA_ORIGIN);
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")).toContain("idempotency-key");
  });

  it("gives a preflight from another origin no grant", async () => {
    const response = await call("/api/notes", {
      method: "OPTIONS",
      headers: { origin: "http://evil.example", "access-control-request-method": "POST" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("access-control-allow-methods")).toBeNull();
  });
});

describe("body limits and media types", () => {
  it("answers 413 for a declared length over the endpoint's limit", async () => {
    const response = await call("/api/echo", {
      method: "POST",
      body: JSON.stringify({ name: "x".repeat(2000), count: 1 }),
    });
    await expectProblem(response, 413, "payload_too_large");
  });

  it("answers 413 for a streamed body without a length that grows past the limit", async () => {
    const chunk = new TextEncoder().encode(`{"name":"${"x".repeat(900)}`);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(`${api.url}/api/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it("answers 415 for a body that is not JSON, unless the endpoint takes raw bodies", async () => {
    const response = await call("/api/echo", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "name=Ann",
    });
    expect(response.status).toBe(415);
    const raw = await call("/api/webhook", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=1&b=%C3%A9",
    });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ bytes: 12, text: "a=1&b=%C3%A9" });
  });

  it("answers 415 for a streamed JSON body without Content-Type, which declares no length either", async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"name":"Ann"}'));
        controller.close();
      },
    });
    const response = await fetch(`${api.url}/api/echo`, {
      method: "POST",
      body,
      duplex: "half",
    } as RequestInit);
    await expectProblem(response, 415, "unsupported_media_type");
  });
});

describe("validation", () => {
  it("answers malformed JSON with 400 malformed_json", async () => {
    const response = await call("/api/echo", { method: "POST", body: '{"name": "Ann",' });
    await expectProblem(response, 400, "malformed_json");
  });

  it("lists every invalid field, unknown fields included", async () => {
    const response = await call("/api/echo", {
      method: "POST",
      body: JSON.stringify({ name: "", count: "three", admin: true }),
    });
    const body = await expectProblem(response, 400, "validation_failed");
    expect(body).toMatchObject({
      type: "/docs/errors#validation_failed",
      title: "Some fields are not valid",
      status: 400,
      code: "validation_failed",
    });
    const errors = body.errors as Record<string, string[]>;
    expect(Object.keys(errors).sort()).toEqual(["body", "count", "name"]);
    expect(errors.body).toEqual(["Unknown field: admin"]);
  });

  it("validates path parameters and rejects unknown query parameters", async () => {
    const badId = await call("/api/notes/abc", { token: ann.accessToken });
    const badIdProblem = await expectProblem(badId, 400, "validation_failed");
    expect(Object.keys(badIdProblem.errors as object)).toEqual(["params.id"]);
    const extra = await call("/api/notes?debug=1", { token: ann.accessToken });
    expect((await expectProblem(extra, 400, "validation_failed")).errors).toHaveProperty("query");
  });

  it("drops fields the response schema does not list", async () => {
    const response = await call("/api/echo", {
      method: "POST",
      body: JSON.stringify({ name: "Ann", count: 2 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: "Ann", count: 2 });
  });
});

describe("auth", () => {
  it("answers 401 without a token and 403 without the role", async () => {
    const anonymous = await call("/api/notes");
    await expectProblem(anonymous, 401, "unauthorized");
    const notStaff = await call("/api/staff/report", { token: ann.accessToken });
    await expectProblem(notStaff, 403, "forbidden");
  });

  it("takes roles from app_metadata only", async () => {
    const staff = await api.signUp({ role: "staff" });
    const allowed = await call("/api/staff/report", { token: staff.accessToken });
    expect(allowed.status).toBe(200);
    const { data } = await api.supabase.client().auth.signUp({
      email: `self-made-${crypto.randomUUID().slice(0, 8)}@example.test`,
      password: "correct horse battery",
      options: { data: { role: "staff" } },
    });
    const selfMade = await call("/api/staff/report", { token: data.session?.access_token });
    expect(selfMade.status).toBe(403);
  });

  it("lets row-level security decide: another user's note is 404", async () => {
    const created = await call("/api/notes", {
      method: "POST",
      token: ann.accessToken,
      body: JSON.stringify({ title: "ann's" }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    expect((await call(`/api/notes/${id}`, { token: ann.accessToken })).status).toBe(200);
    const other = await call(`/api/notes/${id}`, { token: ben.accessToken });
    expect(other.status).toBe(404);
    const list = await call("/api/notes", { token: ben.accessToken });
    expect(await list.json()).toEqual([]);
  });
});

describe("database clients", () => {
  it("reads as the caller when a token comes and as anon without one (db.caller)", async () => {
    const created = await call("/api/notes", {
      method: "POST",
      token: ann.accessToken,
      body: JSON.stringify({ title: "seen by its owner only" }),
    });
    expect(created.status).toBe(201);
    const asAnn = await call("/api/notes/visible", { token: ann.accessToken });
    expect(await asAnn.json()).toMatchObject({ signedIn: true, visible: expect.any(Number) });
    const annSees = (
      (await (await call("/api/notes/visible", { token: ann.accessToken })).json()) as {
        visible: number;
      }
    ).visible;
    expect(annSees).toBeGreaterThanOrEqual(1);
    const asGuest = await call("/api/notes/visible");
    expect(await asGuest.json()).toEqual({ signedIn: false, visible: 0 });
  });
});

describe("idempotency", () => {
  it("replays the stored answer for a retried key and creates the note once", async () => {
    const key = crypto.randomUUID();
    const send = (title: string, token = ann.accessToken) =>
      call("/api/notes", {
        method: "POST",
        token,
        headers: { "idempotency-key": key },
        body: JSON.stringify({ title }),
      });
    const first = await send("once");
    const retry = await send("once");
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.json()).toEqual(await first.json());
    const notes = (await (await call("/api/notes", { token: ann.accessToken })).json()) as {
      title: string;
    }[];
    expect(notes.filter((note) => note.title === "once")).toHaveLength(1);

    const changed = await send("different");
    await expectProblem(changed, 422, "idempotency_key_reused");

    const otherUser = await send("once", ben.accessToken);
    expect(otherUser.status).toBe(201);
    expect(otherUser.headers.get("idempotent-replayed")).toBeNull();
  });
});

describe("required idempotency", () => {
  it("refuses a missing key with 400 and replays a retried one", async () => {
    const send = (headers: Record<string, string>) =>
      call("/api/transfers", {
        method: "POST",
        token: ann.accessToken,
        headers,
        body: JSON.stringify({ amount: 500 }),
      });
    const missing = await send({});
    await expectProblem(missing, 400, "idempotency_key_missing");
    const key = { "idempotency-key": crypto.randomUUID() };
    const first = (await (await send(key)).json()) as { transferId: string };
    const retry = await send(key);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await retry.json()).toEqual(first);
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After in seconds once the per-email policy is spent", async () => {
    const email = `Limit-${crypto.randomUUID().slice(0, 8)}@Example.test`;
    const attempt = (address: string) =>
      call("/api/sign-in", { method: "POST", body: JSON.stringify({ email: address }) });
    let last = await attempt(email);
    expect(last.status).toBe(204);
    expect(Number(last.headers.get("ratelimit-limit"))).toBeGreaterThan(0);
    for (let i = 0; i < 50 && last.status !== 429; i++) {
      last = await attempt(i % 2 ? email : email.toLowerCase());
    }
    await expectProblem(last, 429, "rate_limited");
    expect(last.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(last.headers.get("ratelimit-remaining")).toBe("0");
  });
});

describe("errors", () => {
  it("hides an unknown exception behind a generic 500 and logs it redacted", async () => {
    const errors = vi.spyOn(console, "error");
    const response = await call("/api/boom");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toMatch(/private_ledger|hunter2|ann@example|at \//);
    expect(JSON.parse(text)).toMatchObject({ code: "internal_error", status: 500 });
    const logged = errors.mock.calls.map((args) => String(args[0])).join("\n");
    expect(logged).toContain("private_ledger");
    expect(logged).not.toContain("ann@example.com");
    expect(logged).not.toContain("hunter2");
    errors.mockRestore();
  });

  it("answers a method the route does not serve with 405, Allow and a problem", async () => {
    const response = await call("/api/echo", { method: "DELETE" });
    expect(response.headers.get("allow")).toBe("POST, OPTIONS");
    await expectProblem(response, 405, "method_not_allowed");
  });
});

describe("headers and logs", () => {
  it("puts security headers and no-store on every answer, errors included", async () => {
    for (const response of [
      await call("/api/notes", { token: ann.accessToken }),
      await call("/api/notes"),
    ]) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(response.headers.get("strict-transport-security")).toContain("max-age=");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
  });

  it("writes one JSON line per request with the user id and no token", async () => {
    const info = vi.spyOn(console, "info");
    await call("/api/notes", { token: ann.accessToken });
    const lines = info.mock.calls
      .map((args) => JSON.parse(String(args[0])) as Record<string, unknown>)
      .filter((line) => line.event === "request");
    info.mockRestore();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      method: "GET",
      path: "/api/notes",
      status: 200,
      userId: ann.id,
    });
    expect(typeof lines[0]?.durationMs).toBe("number");
    expect(JSON.stringify(lines)).not.toContain(ann.accessToken.slice(0, 30));
  });
});
