// The part of OpenAI's HTTP API that Bastion uses (lib/ai), as a Web handler: POST /v1/responses
// (whole, or streamed as Responses API server-sent events chunk by chunk, with json_schema
// structured output) and POST /v1/moderations. What it answers comes from a script, so the local
// responder (local-openai.ts, deterministic and labelled local) and the tests' network-level fake
// (tests/helpers/fake-openai.ts, with outages and stalls) speak the same wire format.

/** One message of a Responses API `input` array, as lib/ai sends it. */
export interface ResponsesMessage {
  role: string;
  content: string;
}

export interface ResponsesRequestBody {
  model: string;
  instructions?: string;
  input: string | ResponsesMessage[];
  max_output_tokens?: number;
  stream?: boolean;
  store?: boolean;
  safety_identifier?: string;
  text?: { format?: { type: string; name?: string; schema?: Record<string, unknown> } };
}

export interface ResponderScript {
  /** The answer's text; for a json_schema request, the JSON text to send. */
  answer(body: ResponsesRequestBody): string;
  /** The moderation categories one input flags (none: not flagged). */
  flag(text: string): string[];
  /** How the text is cut into `response.output_text.delta` events. */
  chunks?(text: string): string[];
  /**
   * Awaited before each delta of a stream is written (index from 0): a test can hold the stream
   * there. The signal aborts when the client goes away.
   */
  beforeChunk?(index: number, signal: AbortSignal): Promise<void>;
}

/** A token count in the spirit of OpenAI's (about four characters each). */
export const countTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

const MODERATION_CATEGORIES = [
  "harassment",
  "harassment/threatening",
  "hate",
  "hate/threatening",
  "illicit",
  "illicit/violent",
  "self-harm",
  "self-harm/instructions",
  "self-harm/intent",
  "sexual",
  "sexual/minors",
  "violence",
  "violence/graphic",
];

export function inputText(body: ResponsesRequestBody): string {
  return typeof body.input === "string"
    ? body.input
    : body.input.map((message) => message.content).join("\n");
}

const randomId = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;

function responseObject(
  body: ResponsesRequestBody,
  id: string,
  text: string | undefined,
  status: "in_progress" | "completed" | "incomplete",
) {
  const inputTokens = countTokens(`${body.instructions ?? ""}${inputText(body)}`);
  const outputTokens = text === undefined ? 0 : countTokens(text);
  return {
    id,
    object: "response",
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output:
      text === undefined
        ? []
        : [
            {
              type: "message",
              id: `msg_${id.slice(5)}`,
              status: status === "in_progress" ? "in_progress" : "completed",
              role: "assistant",
              content: [{ type: "output_text", text, annotations: [] }],
            },
          ],
    parallel_tool_calls: true,
    store: body.store ?? true,
    temperature: 1,
    text: body.text ?? { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    safety_identifier: body.safety_identifier ?? null,
    usage:
      status === "in_progress"
        ? null
        : {
            input_tokens: inputTokens,
            input_tokens_details: { cached_tokens: 0 },
            output_tokens: outputTokens,
            output_tokens_details: { reasoning_tokens: 0 },
            total_tokens: inputTokens + outputTokens,
          },
  };
}

/** The answer cut to the request's max_output_tokens, and whether it was cut. */
function capped(body: ResponsesRequestBody, text: string): { text: string; cut: boolean } {
  const cap = body.max_output_tokens;
  if (cap === undefined || countTokens(text) <= cap) return { text, cut: false };
  return { text: text.slice(0, cap * 4), cut: true };
}

function defaultChunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

function sseFrame(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

export function openAiError(status: number, message: string, type: string, code?: string) {
  return Response.json(
    { error: { message, type, param: null, code: code ?? null } },
    { status, headers: { "x-request-id": randomId("req") } },
  );
}

/** Answers one request to the API's /v1 paths; `path` is what follows /v1. */
export async function answerOpenAi(
  request: Request,
  path: string,
  script: ResponderScript,
): Promise<Response> {
  if (request.method !== "POST")
    return openAiError(405, "Method not allowed", "invalid_request_error");
  let body: Record<string, unknown>;
  try {
    body = (await request.json()) as Record<string, unknown>;
  } catch {
    return openAiError(
      400,
      "We could not parse the JSON body of your request.",
      "invalid_request_error",
    );
  }
  if (path === "/moderations") return moderations(body, script);
  if (path === "/responses")
    return responses(body as unknown as ResponsesRequestBody, script, request.signal);
  return openAiError(404, `Unknown request URL: POST /v1${path}.`, "invalid_request_error");
}

function moderations(body: Record<string, unknown>, script: ResponderScript): Response {
  const inputs = [body.input].flat().filter((item): item is string => typeof item === "string");
  if (inputs.length === 0) {
    return openAiError(400, "input is required", "invalid_request_error");
  }
  return Response.json({
    id: randomId("modr"),
    model: typeof body.model === "string" ? body.model : "omni-moderation-latest",
    results: inputs.map((text) => {
      const flagged = new Set(script.flag(text));
      return {
        flagged: flagged.size > 0,
        categories: Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, flagged.has(c)])),
        category_scores: Object.fromEntries(
          MODERATION_CATEGORIES.map((c) => [c, flagged.has(c) ? 0.97 : 0.0001]),
        ),
        category_applied_input_types: Object.fromEntries(
          MODERATION_CATEGORIES.map((c) => [c, ["text"]]),
        ),
      };
    }),
  });
}

function responses(body: ResponsesRequestBody, script: ResponderScript, signal: AbortSignal) {
  if (typeof body.model !== "string" || body.input === undefined) {
    return openAiError(400, "model and input are required", "invalid_request_error");
  }
  const id = randomId("resp");
  const { text, cut } = capped(body, script.answer(body));
  const status = cut ? "incomplete" : "completed";
  if (!body.stream) {
    return Response.json(responseObject(body, id, text, status), {
      headers: { "x-request-id": randomId("req") },
    });
  }
  const itemId = `msg_${id.slice(5)}`;
  const pieces = (script.chunks ?? defaultChunks)(text);
  const encoder = new TextEncoder();
  const gone = new AbortController();
  signal.addEventListener("abort", () => gone.abort(), { once: true });
  let sequence = 0;
  const frame = (type: string, data: Record<string, unknown>) =>
    encoder.encode(sseFrame(type, { ...data, sequence_number: sequence++ }));
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        controller.enqueue(
          frame("response.created", {
            response: responseObject(body, id, undefined, "in_progress"),
          }),
        );
        controller.enqueue(
          frame("response.output_item.added", {
            output_index: 0,
            item: {
              type: "message",
              id: itemId,
              status: "in_progress",
              role: "assistant",
              content: [],
            },
          }),
        );
        controller.enqueue(
          frame("response.content_part.added", {
            item_id: itemId,
            output_index: 0,
            content_index: 0,
            part: { type: "output_text", text: "", annotations: [] },
          }),
        );
        for (const [index, delta] of pieces.entries()) {
          await script.beforeChunk?.(index, gone.signal);
          if (gone.signal.aborted) return;
          controller.enqueue(
            frame("response.output_text.delta", {
              item_id: itemId,
              output_index: 0,
              content_index: 0,
              delta,
              logprobs: [],
            }),
          );
        }
        controller.enqueue(
          frame("response.output_text.done", {
            item_id: itemId,
            output_index: 0,
            content_index: 0,
            text,
            logprobs: [],
          }),
        );
        controller.enqueue(
          frame(cut ? "response.incomplete" : "response.completed", {
            response: responseObject(body, id, text, status),
          }),
        );
        controller.close();
      } catch {
        // The client went away while the stream was held: nothing more to write.
      }
    },
    cancel() {
      gone.abort();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "x-request-id": randomId("req"),
    },
  });
}
