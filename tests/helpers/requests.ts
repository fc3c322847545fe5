// Requests to the test API and the checks of its answers, shared by every test file:
// - `apiClient(api)`: the typed client (openapi-fetch over the OpenAPI document's generated
//   client/api-types.ts), so a path, a parameter or a body field the contract lacks is a compile
//   error in a test — `client.POST("/api/bookings", { body, headers: bearer(token) })`;
// - `send` / `post`: raw fetch, for what the contract forbids on purpose (unknown fields, other
//   media types, a body that is not JSON) and for apps without generated types (fixtures);
// - `sendFrom`: node:http, for what fetch cannot send (a forged Host, another client address);
// - `expectJson` / `expectProblem`: an answer's status and body, from either (the typed client
//   has read the body already: its `data` or `error` is checked instead).
import { request as httpRequest } from "node:http";
import createClient, { type Client } from "openapi-fetch";
import { expect } from "vitest";
import type { Problem } from "../../client/api-problem.js";
import type { paths } from "../../client/api-types.js";

export type ApiClient = Client<paths>;
export type { Problem };

/** The typed client at the test API (or any server that serves its contract). */
export function apiClient(api: { url: string }, headers: Record<string, string> = {}): ApiClient {
  return createClient<paths>({ baseUrl: api.url, headers });
}

/** The header of a signed-in caller, or none for a guest. */
export function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

export interface SendOptions {
  /** Sent as `Authorization: Bearer …`. */
  token?: string;
  /** Sent as Idempotency-Key. */
  key?: string;
  /** JSON-encoded with `content-type: application/json`, unless a string: sent as it is. */
  body?: unknown;
  /** Added last, so they can replace the content type. */
  headers?: Record<string, string>;
}

/** A raw request: for what the typed client refuses to send, or a server without types. */
export function send(
  api: { url: string },
  method: string,
  path: string,
  options: SendOptions = {},
): Promise<Response> {
  const { token, key, body, headers } = options;
  return fetch(`${api.url}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { "content-type": "application/json" }),
      ...bearer(token),
      ...(key && { "idempotency-key": key }),
      ...headers,
    },
    ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

/** A raw POST of a body (JSON-encoded unless a string), as a caller with `options`. */
export function post(
  api: { url: string },
  path: string,
  body: unknown,
  options: Omit<SendOptions, "body"> = {},
): Promise<Response> {
  return send(api, "POST", path, { ...options, body });
}

export interface SendFromOptions extends SendOptions {
  /** The Host header to send: fetch always sends the URL's own. */
  host?: string;
  /** The client address to send from: all of 127.0.0.0/8 is loopback, so another caller. */
  localAddress?: string;
}

/**
 * A raw request over node:http, for what fetch cannot send: a Host header of the test's choosing,
 * or another client address. Answers a fetch Response (its body read in full), for the checks.
 */
export function sendFrom(
  api: { url: string },
  method: string,
  path: string,
  options: SendFromOptions = {},
): Promise<Response> {
  const { token, key, body, headers, host, localAddress } = options;
  const payload =
    body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      new URL(path, api.url),
      {
        method,
        ...(localAddress && { localAddress }),
        headers: {
          ...(payload !== undefined && {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(payload),
          }),
          ...bearer(token),
          ...(key && { "idempotency-key": key }),
          ...headers,
          ...(host && { host }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          const answerHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const one of [value ?? []].flat()) answerHeaders.append(name, one);
          }
          const answerBody = [204, 304].includes(status) ? null : Buffer.concat(chunks);
          resolve(new Response(answerBody, { status, headers: answerHeaders }));
        });
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

/** What a call answered: a fetch Response, or the typed client's result (body already read). */
export type Answer<T = unknown> = Response | { response: Response; data?: T; error?: unknown };

async function read(answer: Answer): Promise<{ response: Response; text: string; body: unknown }> {
  if (answer instanceof Response) {
    const text = await answer.text();
    return { response: answer, text, body: text === "" ? undefined : text };
  }
  const body = answer.data !== undefined ? answer.data : answer.error;
  const text = typeof body === "string" ? body : (JSON.stringify(body) ?? "");
  return { response: answer.response, text, body };
}

/** A body read as text parsed as JSON (failing the test when it is not); else as it is. */
function parsed(answer: Answer, body: unknown): unknown {
  return answer instanceof Response && typeof body === "string" ? JSON.parse(body) : body;
}

/** The JSON body of an answer with this status; the failure message shows the body. */
export async function expectJson<T = unknown>(answer: Answer<T>, status: number): Promise<T> {
  const { response, text, body } = await read(answer);
  expect(response.status, text).toBe(status);
  return parsed(answer, body) as T;
}

/**
 * A problem+json answer with this status and code (RFC 9457: the content type, and `status` and
 * `code` in the body); answers the problem for further checks.
 */
export async function expectProblem(
  answer: Answer,
  status: number,
  code: Problem["code"],
): Promise<Problem> {
  const { response, text, body } = await read(answer);
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type"), text).toBe("application/problem+json");
  const problem = parsed(answer, body);
  expect(problem).toMatchObject({ status, code });
  return problem as Problem;
}
