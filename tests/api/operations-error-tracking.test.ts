// Error tracking (issue 24): an unhandled error is reported to Sentry's ingestion endpoint — a
// network-level fake receiving what the real @sentry/node SDK sends — with the request id, the
// route and the release, and nothing personal: no token, cookie, body or email, and the
// message through the log redaction. Answers below 500 report nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PIPELINE_APP, startTestApi, type TestApi } from "../helpers/api.js";
import {
  type FakeErrorCollector,
  startFakeErrorCollector,
} from "../helpers/fake-error-collector.js";

let api: TestApi;
let collector: FakeErrorCollector;

beforeAll(async () => {
  collector = await startFakeErrorCollector();
  api = await startTestApi({ rootDir: PIPELINE_APP, env: { SENTRY_DSN: collector.dsn } });
});
afterAll(async () => {
  await api?.close();
  await collector?.close();
});

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtdXNlciJ9.c2lnbmF0dXJlLXNlY3JldA";

describe("error tracking", () => {
  it("reports an unhandled error with its request id, route and release, redacted", async () => {
    const response = await fetch(`${api.url}/api/boom`, {
      headers: { authorization: `Bearer ${TOKEN}`, cookie: "sb-refresh=refresh-secret-value" },
    });
    expect(response.status).toBe(500);
    const requestId = response.headers.get("x-request-id");
    await api.settle();

    const events = collector.events();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      release: "dev",
      tags: { requestId, route: "/api/boom", method: "GET", status: "500" },
    });
    const exception = (
      event?.exception as { values: { type: string; value: string }[] } | undefined
    )?.values[0];
    expect(exception?.type).toBe("Error");
    expect(exception?.value).toBe(
      'relation "private_ledger" does not exist; password=[redacted] for [redacted-email]',
    );
    expect(event).not.toHaveProperty("request");
    expect(event).not.toHaveProperty("user");
    expect(event).not.toHaveProperty("server_name");
    const raw = collector.envelopes.map((envelope) => envelope.raw).join("\n");
    for (const secret of [TOKEN, "refresh-secret-value", "hunter2", "ann@example.com"]) {
      expect(raw).not.toContain(secret);
    }
  });

  it("reports nothing for answers below 500", async () => {
    const before = collector.envelopes.length;
    const response = await fetch(`${api.url}/api/boom`, { method: "DELETE" });
    expect(response.status).toBe(405);
    await api.settle();
    expect(collector.envelopes).toHaveLength(before);
  });

  it("names routes, not rows", async () => {
    const { routeOf } = await import("../../lib/monitoring/report-error.js");
    expect(routeOf("/api/bookings/0b0e6c1e-8d6f-4b1a-9d5e-2f3a4b5c6d7e/cancel")).toBe(
      "/api/bookings/:id/cancel",
    );
    expect(routeOf("/api/admin/operations/webhook-events/42/retry")).toBe(
      "/api/admin/operations/webhook-events/:id/retry",
    );
  });
});
