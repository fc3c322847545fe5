// The local stack's pg_net and Vault, through SQL as migrations and triggers use them: a call
// answers its request id at once and sends nothing until its transaction commits (nothing at all
// when it rolls back), each call is sent once, the answer lands in net._http_response, and Vault
// keeps named secrets that only privileged roles can read. Waits poll the condition with a
// deadline (expect.poll), never a fixed sleep.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, serve } from "../../dev/web-server.js";
import { startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

interface Received {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

let stack: TestSupabase;
let target: RunningServer;
const received: Received[] = [];

beforeAll(async () => {
  stack = await startTestSupabase();
  target = await serve(
    async (request) => {
      const url = new URL(request.url);
      received.push({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers: request.headers,
        body: await request.text(),
      });
      if (url.pathname === "/slow") await new Promise((resolve) => setTimeout(resolve, 2_000));
      return Response.json({ ok: true }, { status: url.pathname === "/missing" ? 404 : 200 });
    },
    { port: 0 },
  );
});
afterAll(async () => {
  await target?.close();
  await stack?.close();
});

const arrived = (path: string) => received.filter((request) => request.path === path);

async function responseOf(id: string) {
  const { rows } = await stack.db.query<{
    status_code: number | null;
    content: string | null;
    timed_out: boolean | null;
    error_msg: string | null;
  }>("select status_code, content, timed_out, error_msg from net._http_response where id = $1", [
    id,
  ]);
  return rows[0];
}

describe("net.http_post and net.http_get", () => {
  it("answer a request id at once and send after commit, once", async () => {
    const path = `/hook-${crypto.randomUUID()}`;
    const id = await stack.db.transaction({}, async (query) => {
      const { rows } = await query<{ id: string }>(
        `select net.http_post(url := $1, body := '{"hello": "world"}'::jsonb,
                headers := '{"Authorization": "Bearer s3cret"}'::jsonb)::text as id`,
        [`${target.url}${path}`],
      );
      // The worker cannot see an uncommitted request, however long the transaction stays open.
      // (PGlite is one connection: there the worker simply waits for the transaction to end.)
      if (stack.db.kind === "postgres") await stack.net?.drain();
      expect(arrived(path)).toEqual([]);
      return rows[0]?.id ?? "";
    });
    expect(id).toMatch(/^\d+$/);

    await expect.poll(() => responseOf(id), { timeout: 5_000 }).toMatchObject({ status_code: 200 });
    const [request] = arrived(path);
    expect(request?.method).toBe("POST");
    expect(request?.headers.get("authorization")).toBe("Bearer s3cret");
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({ hello: "world" });
    expect(await responseOf(id)).toEqual({
      status_code: 200,
      content: '{"ok":true}',
      timed_out: false,
      error_msg: null,
    });

    await stack.net?.drain();
    expect(arrived(path)).toHaveLength(1);
    const { rows } = await stack.db.query("select 1 from net.http_request_queue where id = $1", [
      id,
    ]);
    expect(rows).toEqual([]);
  });

  it("send nothing for a transaction that rolls back", async () => {
    const path = `/rolled-back-${crypto.randomUUID()}`;
    await expect(
      stack.db.transaction({}, async (query) => {
        await query("select net.http_post($1)", [`${target.url}${path}`]);
        throw new Error("the change fails after queuing its call");
      }),
    ).rejects.toThrow("the change fails");
    // A committed call made afterwards arriving shows the worker has looked since.
    const after = `/after-${crypto.randomUUID()}`;
    await stack.db.query("select net.http_post($1)", [`${target.url}${after}`]);
    await expect.poll(() => arrived(after).length, { timeout: 5_000 }).toBe(1);
    await stack.net?.drain();
    expect(arrived(path)).toEqual([]);
  });

  it("encode params into the URL and send GET without a body", async () => {
    const { rows } = await stack.db.query<{ id: string }>(
      `select net.http_get(url := $1, params := '{"q": "a b&c", "é": "1"}'::jsonb)::text as id`,
      [`${target.url}/missing?x=1`],
    );
    const id = rows[0]?.id ?? "";
    await expect.poll(() => responseOf(id), { timeout: 5_000 }).toMatchObject({ status_code: 404 });
    const request = received.find((item) => item.path.startsWith("/missing?x=1&"));
    expect(request?.method).toBe("GET");
    expect(request?.path).toBe("/missing?x=1&q=a%20b%26c&%C3%A9=1");
    expect(request?.body).toBe("");
  });

  it("record an answer that never came: timeouts and refused connections", async () => {
    const closed = await serve(async () => new Response(null), { port: 0 });
    await closed.close();
    const { rows } = await stack.db.query<{ slow: string; refused: string }>(
      `select net.http_post(url := $1, timeout_milliseconds := 200)::text as slow,
              net.http_post(url := $2)::text as refused`,
      [`${target.url}/slow`, `${closed.url}/gone`],
    );
    const { slow = "", refused = "" } = rows[0] ?? {};
    await expect
      .poll(() => responseOf(slow), { timeout: 5_000 })
      .toMatchObject({
        status_code: null,
        timed_out: true,
        error_msg: "Timeout of 200 ms reached",
      });
    await expect
      .poll(() => responseOf(refused), { timeout: 5_000 })
      .toMatchObject({
        status_code: null,
        timed_out: false,
        error_msg: expect.stringContaining("ECONNREFUSED"),
      });
  });

  it("refuse a body that is not JSON, as pg_net does", async () => {
    await expect(
      stack.db.query(
        `select net.http_post(url := $1, headers := '{"Content-Type": "text/plain"}'::jsonb)`,
        [`${target.url}/text`],
      ),
    ).rejects.toThrow('Content-Type header must be "application/json"');
  });

  it("answer a clear error for what the local stack does not play", async () => {
    await expect(stack.db.query("select net.http_delete('http://127.0.0.1:1/')")).rejects.toThrow(
      /function net\.http_delete\(unknown\) does not exist/,
    );
  });
});

describe("Vault", () => {
  it("keeps named secrets and shows them decrypted to privileged roles", async () => {
    const name = `secret_${crypto.randomUUID().slice(0, 8)}`;
    const { rows } = await stack.db.query<{ id: string }>(
      "select vault.create_secret('first value', $1, 'what it is for')::text as id",
      [name],
    );
    await stack.db.query("select vault.update_secret($1::uuid, 'second value')", [
      rows[0]?.id ?? "",
    ]);
    const secrets = await stack.db.query(
      "select name, description, decrypted_secret from vault.decrypted_secrets where name = $1",
      [name],
    );
    expect(secrets.rows).toEqual([
      { name, description: "what it is for", decrypted_secret: "second value" },
    ]);
    await expect(stack.db.query("select vault.create_secret('again', $1)", [name])).rejects.toThrow(
      /duplicate key/,
    );
  });

  it.each(["anon", "authenticated", "service_role"])(
    "refuses %s the secrets, the functions and pg_net",
    async (role) => {
      for (const statement of [
        "select decrypted_secret from vault.decrypted_secrets",
        "select secret from vault.secrets",
        "select vault.create_secret('x', 'y')",
        "select net.http_post('http://127.0.0.1:1/')",
        "select jobid from cron.job",
      ]) {
        await expect(
          stack.db.transaction({}, async (query) => {
            await query(`set local role ${role}`);
            await query(statement);
          }),
          statement,
        ).rejects.toThrow(/permission denied/);
      }
    },
  );
});
