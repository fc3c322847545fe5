// The check that every problem an endpoint answers is one its operation in /docs lists
// (dev/vercel/declared-errors.ts): the dev server warns about an undeclared code, and the test
// API's close() fails with it, which is how a test file that provokes one fails.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { PIPELINE_APP, startTestApi, type TestApi } from "../helpers/api.js";

let api: TestApi | undefined;
beforeAll(async () => {
  api = await startTestApi({ rootDir: PIPELINE_APP });
});
afterAll(async () => {
  // Closed by the test when it got that far; else still closed, without hiding its failure.
  await api?.close().catch(() => undefined);
});

it("fails the test API's close() with each undeclared code an endpoint answered, once", async () => {
  const running = api as TestApi;
  const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
  const get = (path: string, init?: RequestInit) => fetch(`${running.url}${path}`, init);

  // Declared by the spec, or by what the spec switches on: not reported.
  expect((await get("/api/undeclared?answer=declared")).status).toBe(404);
  expect((await get("/api/undeclared?answer=other")).status).toBe(400);
  expect((await get("/api/undeclared", { method: "POST" })).status).toBe(405);
  const malformed = await get("/api/echo", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{",
  });
  expect(malformed.status).toBe(400);
  expect(warn).not.toHaveBeenCalled();

  // Not declared: reported once however often it is answered, with the whole body still sent.
  for (const method of ["GET", "GET", "HEAD"]) {
    const response = await get("/api/undeclared?answer=undeclared", { method });
    expect(response.status).toBe(409);
    if (method === "GET") expect(await response.json()).toMatchObject({ code: "conflict" });
  }
  const expected =
    "GET /api/undeclared answered conflict (409) but its spec lists only validation_failed, malformed_json, payload_too_large, unsupported_media_type, method_not_allowed, internal_error, not_found";
  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0]?.[0])).toContain(expected);
  warn.mockRestore();

  api = undefined;
  const failure = await running.close().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(Error);
  const lines = (failure as Error).message.split("\n").slice(1);
  expect(lines).toEqual([`  ${expected}`]);
});
