// Server-sent events for a streamed answer: `event: delta` per piece of text, then one `event:
// done` with the model, the finish reason and the usage — or `event: error` when the provider
// failed after the stream began. Cancelling the HTTP body (the client went away) cancels the
// event stream, which aborts the upstream request (run.ts).
import * as z from "zod";
import type { AiStreamEvent } from "./run.js";

export const ChatDeltaEvent = z
  .object({ text: z.string() })
  .meta({ id: "AiChatDeltaEvent", description: "`event: delta` — the next piece of the answer" });

export const ChatDoneEvent = z
  .object({
    model: z.string(),
    provider: z.enum(["openai", "local"]).describe("local: the local stack's stand-in answered"),
    finishReason: z
      .enum(["stop", "length", "content_filter"])
      .describe("length: the output cap was reached"),
    usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() }),
  })
  .meta({ id: "AiChatDoneEvent", description: "`event: done` — the last event of an answer" });

export const ChatErrorEvent = z
  .object({ code: z.enum(["service_unavailable", "provider_error"]), detail: z.string() })
  .meta({
    id: "AiChatErrorEvent",
    description: "`event: error` — the provider failed after the stream began; nothing follows",
  });

/** The events of the stream, for the OpenAPI document (each SSE `data:` is one of these). */
export const ChatStreamEvents = z
  .object({
    delta: ChatDeltaEvent,
    done: ChatDoneEvent,
    error: ChatErrorEvent,
  })
  .meta({
    id: "AiChatStream",
    description:
      "text/event-stream: each event's name (`event:`) is a key here and its `data:` line the JSON value under it; `delta` events, then exactly one `done` or `error`.",
  });

function frame(event: AiStreamEvent): string {
  switch (event.type) {
    case "delta":
      return `event: delta\ndata: ${JSON.stringify({ text: event.text })}\n\n`;
    case "done":
      return `event: done\ndata: ${JSON.stringify(event.answer)}\n\n`;
    case "error":
      return `event: error\ndata: ${JSON.stringify({ code: event.code, detail: event.detail })}\n\n`;
  }
}

export function eventStreamResponse(events: ReadableStream<AiStreamEvent>): Response {
  const encoder = new TextEncoder();
  const body = events.pipeThrough(
    new TransformStream<AiStreamEvent, Uint8Array>({
      transform(event, controller) {
        controller.enqueue(encoder.encode(frame(event)));
      },
    }),
  );
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // Proxies (nginx and the like) must pass each event on as it comes.
      "x-accel-buffering": "no",
    },
  });
}

/** Whether the caller asked for the whole answer as JSON rather than a stream. */
export function wantsJson(accept: string | null): boolean {
  if (!accept) return false;
  return accept.includes("application/json") && !accept.includes("text/event-stream");
}
