// A network-level fake of Resend's send-email endpoint (POST /emails), for the real `resend` SDK
// pointed at it with RESEND_API_URL. It keeps every request (with its Idempotency-Key) and acts
// on keys as Resend does: a key already accepted answers with the same email, sending nothing
// new. Tests make an address fail a number of times first (failFor) to drive retries.
import { randomUUID } from "node:crypto";
import { type RunningServer, serve } from "../../dev/web-server.js";

export interface FakeEmail {
  id: string;
  idempotencyKey: string | null;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  attachments: { filename: string; content: string; content_type?: string }[];
}

export interface FakeResend {
  url: string;
  /** Every request, accepted or not. */
  requests: { to: string[]; idempotencyKey: string | null; status: number }[];
  /** Emails accepted and sent: one per idempotency key. */
  sent: FakeEmail[];
  /** The next `times` sends to `address` answer 500. */
  failFor(address: string, times: number): void;
  close(): Promise<void>;
}

export async function startFakeResend(apiKey: string): Promise<FakeResend> {
  const requests: FakeResend["requests"] = [];
  const sent: FakeEmail[] = [];
  const failures = new Map<string, number>();
  const server: RunningServer = await serve(
    async (request) => {
      const url = new URL(request.url);
      const body = JSON.parse((await request.text()) || "{}") as Omit<FakeEmail, "id">;
      const idempotencyKey = request.headers.get("idempotency-key");
      const to = body.to ?? [];
      const answer = (status: number, json: unknown) => {
        requests.push({ to, idempotencyKey, status });
        return Response.json(json, { status });
      };
      if (request.headers.get("authorization") !== `Bearer ${apiKey}`) {
        return answer(401, {
          statusCode: 401,
          name: "missing_api_key",
          message: "Missing API key",
        });
      }
      if (request.method !== "POST" || url.pathname !== "/emails") {
        return answer(404, { statusCode: 404, name: "not_found", message: "Not found" });
      }
      const failing = to.find((address) => (failures.get(address) ?? 0) > 0);
      if (failing !== undefined) {
        failures.set(failing, (failures.get(failing) ?? 0) - 1);
        return answer(500, { statusCode: 500, name: "internal_server_error", message: "Boom" });
      }
      const earlier = sent.find(
        (email) => idempotencyKey && email.idempotencyKey === idempotencyKey,
      );
      if (earlier) return answer(200, { id: earlier.id });
      const email = { ...body, id: randomUUID(), idempotencyKey };
      sent.push(email);
      return answer(200, { id: email.id });
    },
    { port: 0 },
  );
  return {
    url: server.url,
    requests,
    sent,
    failFor: (address, times) => failures.set(address, times),
    close: () => server.close(),
  };
}
