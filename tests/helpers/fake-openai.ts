// A network-level fake of the part of OpenAI's API that lib/ai calls, pointed at with
// OPENAI_API_URL (its /v1 base): POST /v1/responses, whole or streamed chunk by chunk as the
// Responses API's server-sent events, with json_schema structured output, and POST
// /v1/moderations, behind `Authorization: Bearer <key>` (401 without it). The wire format is the
// local responder's (dev/tools/local-openai-protocol.ts). Tests script what it answers (reply,
// flag), break it (failNext: 429/5xx with retry-after-ms; holdNext: a slow answer), hold a stream
// after some chunks (stallStream) to disconnect mid-answer, and read what arrived in `requests`.

import {
  answerOpenAi,
  openAiError,
  type ResponsesRequestBody,
} from "../../dev/tools/local-openai-protocol.js";
import { type RunningServer, serve } from "../../dev/web-server.js";

export interface FakeOpenAiRequest {
  path: string;
  body: Record<string, unknown>;
  authorized: boolean;
  headers: Record<string, string>;
}

export interface FakeOpenAi {
  /** The /v1 base, for OPENAI_API_URL. */
  url: string;
  apiKey: string;
  requests: FakeOpenAiRequest[];
  /** What /v1/responses answers (a function of the request); an echo by default. */
  reply(answer: (body: ResponsesRequestBody) => string): void;
  /** Inputs containing `word` are flagged under `category` by /v1/moderations. */
  flag(word: string, category: string): void;
  /** The next `count` requests to `path` answer `status` (with retry-after-ms: 1). */
  failNext(count: number, status: number, path?: string): void;
  /** The next request to `path` waits until release() (or its client goes away). */
  holdNext(path?: string): { arrived: Promise<void>; release(): void };
  /**
   * The next stream writes `chunks` deltas, then waits: `stalled` settles there, and
   * `disconnected` when Bastion closes the connection (the abort reached OpenAI).
   */
  stallStream(chunks: number): { stalled: Promise<void>; disconnected: Promise<void> };
  close(): Promise<void>;
}

export async function startFakeOpenAi(
  apiKey = "sk-test-fake-openai-key-0123456789",
): Promise<FakeOpenAi> {
  const requests: FakeOpenAiRequest[] = [];
  let answer = (body: ResponsesRequestBody) =>
    `You said: ${typeof body.input === "string" ? body.input : (body.input.at(-1)?.content ?? "")}`;
  const flags = new Map<string, string>();
  const failures: { path: string; status: number }[] = [];
  const holds: { path: string; arrive(): void; released: Promise<void> }[] = [];
  let stall: { chunks: number; reached(): void; gone(): void } | undefined;

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname.replace(/^\/v1/, "");
    const text = await request.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Answered by the protocol module below.
    }
    const authorized = request.headers.get("authorization") === `Bearer ${apiKey}`;
    requests.push({
      path,
      body,
      authorized,
      headers: Object.fromEntries(request.headers),
    });
    if (!authorized) {
      return openAiError(
        401,
        "Incorrect API key provided.",
        "invalid_request_error",
        "invalid_api_key",
      );
    }
    const failure = failures.findIndex((f) => f.path === path);
    if (failure >= 0) {
      const [{ status }] = failures.splice(failure, 1) as [{ path: string; status: number }];
      const response = openAiError(
        status,
        status === 429 ? "Rate limit reached." : "The server had an error processing your request.",
        status === 429 ? "requests" : "server_error",
      );
      response.headers.set("retry-after-ms", "1");
      return response;
    }
    const hold = holds.findIndex((h) => h.path === path);
    if (hold >= 0) {
      const [held] = holds.splice(hold, 1);
      held?.arrive();
      await held?.released;
    }
    const streamStall = body.stream === true ? stall : undefined;
    if (streamStall) stall = undefined;
    const replay = new Request(request.url, {
      method: "POST",
      headers: request.headers,
      body: text,
    });
    return answerOpenAi(replay, path, {
      answer: (responsesBody) => answer(responsesBody),
      flag: (input) =>
        [...flags].filter(([word]) => input.toLowerCase().includes(word)).map(([, c]) => c),
      ...(streamStall && {
        beforeChunk: async (index: number, signal: AbortSignal) => {
          if (index < streamStall.chunks) return;
          streamStall.reached();
          await new Promise<void>((resolve) => {
            if (signal.aborted) resolve();
            signal.addEventListener("abort", () => resolve(), { once: true });
          });
          streamStall.gone();
        },
      }),
    });
  };

  const server: RunningServer = await serve(handler, { port: 0 });
  return {
    url: `${server.url}/v1`,
    apiKey,
    requests,
    reply(next) {
      answer = next;
    },
    flag(word, category) {
      flags.set(word.toLowerCase(), category);
    },
    failNext(count, status, path = "/responses") {
      for (let i = 0; i < count; i++) failures.push({ path, status });
    },
    holdNext(path = "/responses") {
      let arrive = () => {};
      let release = () => {};
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      holds.push({ path, arrive, released });
      return { arrived, release };
    },
    stallStream(chunks) {
      let reached = () => {};
      let gone = () => {};
      const stalled = new Promise<void>((resolve) => {
        reached = resolve;
      });
      const disconnected = new Promise<void>((resolve) => {
        gone = resolve;
      });
      stall = { chunks, reached, gone };
      return { stalled, disconnected };
    },
    close: () => server.close(),
  };
}
