// One AI call from start to bill: the provider is configured (else 503), the most the call can
// use is reserved from the caller's daily budget (else 429), the person's text passes moderation
// (else 400 content_flagged, counted, not forwarded), then the Responses API answers — whole, or
// as a stream of text deltas — and the budget and the usage table get the tokens really used.
// Logs carry sizes, models, outcomes and ids only: never a prompt or an answer.
import type { SupabaseClient } from "@supabase/supabase-js";
import type { ResponseCreateParamsBase } from "openai/resources/responses/responses";
import { log } from "../log.js";
import { afterResponse } from "../notify/after-response.js";
import { type BudgetSubject, type Reservation, reserveBudget } from "./budget.js";
import { type AiConnection, type AiProvider, aiConnection, providerFailure } from "./client.js";
import { type AiModel, estimateTokens } from "./models.js";
import { flaggedInput, moderate } from "./moderation.js";
import { safetyIdentifier } from "./safety.js";
import { type AiEndpoint, type AiOutcome, recordUsage } from "./usage.js";

export interface AiMessage {
  role: "user" | "assistant";
  content: string;
}

export interface AiRequest {
  endpoint: AiEndpoint;
  model: AiModel;
  /** The server's own instructions (system prompt): never anything a client sent. */
  instructions: string;
  messages: AiMessage[];
  /** The person's own texts, checked with moderation before anything is forwarded. */
  moderated: string[];
  /** Already clamped (clampOutputTokens). */
  maxOutputTokens: number;
  /** Structured output: the answer must be JSON matching this schema (strict). */
  format?: { name: string; schema: Record<string, unknown> };
}

export interface AiCaller {
  subject: BudgetSubject;
  /** Writes the usage row past RLS. */
  service: SupabaseClient;
}

export type FinishReason = "stop" | "length" | "content_filter";

export interface AiAnswer {
  text: string;
  model: AiModel;
  provider: AiProvider;
  finishReason: FinishReason;
  usage: { inputTokens: number; outputTokens: number };
}

/** What a chat stream emits: text as it comes, then one final event (or an error). */
export type AiStreamEvent =
  | { type: "delta"; text: string }
  | { type: "done"; answer: Omit<AiAnswer, "text"> }
  | { type: "error"; code: "service_unavailable" | "provider_error"; detail: string };

interface Prepared {
  connection: AiConnection;
  reservation: Reservation;
  params: ResponseCreateParamsBase;
  inputEstimate: number;
  record(outcome: AiOutcome, inputTokens: number, outputTokens: number): Promise<void>;
}

async function prepare(request: AiRequest, caller: AiCaller, signal: AbortSignal) {
  const connection = await aiConnection();
  const inputEstimate = estimateTokens(
    request.instructions + request.messages.map((message) => message.content).join("\n"),
  );
  const reservation = await reserveBudget(caller.subject, inputEstimate + request.maxOutputTokens);
  const { subject } = caller;
  const record = async (outcome: AiOutcome, inputTokens: number, outputTokens: number) => {
    await reservation.settle(inputTokens + outputTokens);
    log.info("ai_request", {
      endpoint: request.endpoint,
      model: request.model,
      provider: connection.provider,
      outcome,
      inputTokens,
      outputTokens,
      inputChars: request.messages.reduce((sum, message) => sum + message.content.length, 0),
    });
    await recordUsage(caller.service, {
      ...("userId" in subject && { userId: subject.userId, tier: subject.tier }),
      endpoint: request.endpoint,
      model: request.model,
      inputTokens,
      outputTokens,
      outcome,
    });
  };
  try {
    const verdict = await moderate(connection, request.moderated, signal);
    if (verdict.flagged) {
      await record("flagged", 0, 0);
      throw flaggedInput(verdict);
    }
  } catch (error) {
    await reservation.settle(0);
    throw error;
  }
  const params: ResponseCreateParamsBase = {
    model: request.model,
    instructions: request.instructions,
    input: request.messages.map(({ role, content }) => ({ role, content })),
    max_output_tokens: request.maxOutputTokens,
    // Nothing is kept at OpenAI for later turns: the history is the client's to send.
    store: false,
    safety_identifier: safetyIdentifier(subject),
    ...(request.format && {
      text: {
        format: {
          type: "json_schema",
          name: request.format.name,
          schema: request.format.schema,
          strict: true,
        },
      },
    }),
  };
  return { connection, reservation, params, inputEstimate, record } satisfies Prepared;
}

function finishOf(status: string | undefined, reason: string | undefined): FinishReason {
  if (status !== "incomplete") return "stop";
  return reason === "content_filter" ? "content_filter" : "length";
}

/** The whole answer at once. */
export async function completeAi(request: AiRequest, caller: AiCaller): Promise<AiAnswer> {
  const deadline = new AbortController();
  const prepared = await prepare(request, caller, deadline.signal);
  const { connection, params, record } = prepared;
  const timer = setTimeout(() => deadline.abort(), connection.deadlineMs);
  try {
    const response = await connection.client.responses.create(
      { ...params, stream: false },
      { signal: deadline.signal },
    );
    const usage = {
      inputTokens: response.usage?.input_tokens ?? prepared.inputEstimate,
      outputTokens: response.usage?.output_tokens ?? request.maxOutputTokens,
    };
    const finishReason = finishOf(
      response.status ?? undefined,
      response.incomplete_details?.reason,
    );
    await record(
      finishReason === "stop" ? "completed" : "incomplete",
      usage.inputTokens,
      usage.outputTokens,
    );
    return {
      text: response.output_text,
      model: request.model,
      provider: connection.provider,
      finishReason,
      usage,
    };
  } catch (error) {
    const failure = deadline.signal.aborted
      ? await providerFailure(new DeadlineExceeded(), request.endpoint)
      : await providerFailure(error, request.endpoint);
    // A refused call (429, 5xx) used nothing; an answer cut by the deadline is not known.
    await record("failed", 0, 0);
    throw failure;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The answer as a stream of events. Provider failures before the first byte (429, 5xx after the
 * retries, a timeout) are thrown, so the endpoint answers problem+json; later ones end the stream
 * with an `error` event. Cancelling the stream (the client disconnected) aborts the upstream
 * request, and the budget and usage row get the tokens used until then: the input, and the
 * output estimated from the text received (OpenAI reports usage only at the end).
 */
export async function streamAi(
  request: AiRequest,
  caller: AiCaller,
): Promise<ReadableStream<AiStreamEvent>> {
  const upstream = new AbortController();
  const prepared = await prepare(request, caller, upstream.signal);
  const { connection, params, record } = prepared;
  const timer = setTimeout(() => upstream.abort(), 2 * connection.deadlineMs);
  let stream: Awaited<ReturnType<typeof connection.client.responses.create>> &
    AsyncIterable<unknown>;
  try {
    stream = (await connection.client.responses.create(
      { ...params, stream: true },
      { signal: upstream.signal },
    )) as typeof stream;
  } catch (error) {
    clearTimeout(timer);
    const failure = await providerFailure(error, request.endpoint);
    await record("failed", 0, 0);
    throw failure;
  }

  let cancelled = false;
  let streamed = "";
  return new ReadableStream<AiStreamEvent>({
    start(controller) {
      // Not awaited: start() must return for cancel() to be the stream's next step.
      void pump(controller);
    },
    cancel() {
      cancelled = true;
      upstream.abort();
    },
  });

  async function pump(controller: ReadableStreamDefaultController<AiStreamEvent>) {
    const emit = (event: AiStreamEvent) => {
      if (!cancelled) controller.enqueue(event);
    };
    let outcome: AiOutcome = "aborted";
    let usage: { inputTokens: number; outputTokens: number } | undefined;
    try {
      for await (const event of stream as AsyncIterable<StreamEvent>) {
        if (event.type === "response.output_text.delta") {
          streamed += event.delta;
          emit({ type: "delta", text: event.delta });
        } else if (event.type === "response.completed" || event.type === "response.incomplete") {
          const response = event.response;
          usage = {
            inputTokens: response.usage?.input_tokens ?? prepared.inputEstimate,
            outputTokens: response.usage?.output_tokens ?? estimateTokens(streamed),
          };
          const finishReason = finishOf(response.status, response.incomplete_details?.reason);
          outcome = finishReason === "stop" ? "completed" : "incomplete";
          emit({
            type: "done",
            answer: { model: request.model, provider: connection.provider, finishReason, usage },
          });
        } else if (event.type === "response.failed" || event.type === "error") {
          throw new Error("the response failed while streaming");
        }
      }
      if (!usage && !cancelled) {
        throw new Error("the stream ended without a final event");
      }
    } catch (error) {
      if (!cancelled) {
        outcome = "failed";
        const failure = await providerFailure(error, request.endpoint);
        emit({
          type: "error",
          code: failure.code === "service_unavailable" ? "service_unavailable" : "provider_error",
          detail: failure.detail ?? "The AI service could not answer; try again.",
        });
      }
    } finally {
      clearTimeout(timer);
      if (!cancelled) controller.close();
      const spent = usage ?? {
        inputTokens: prepared.inputEstimate,
        outputTokens: streamed ? estimateTokens(streamed) : 0,
      };
      afterResponse(() => record(outcome, spent.inputTokens, spent.outputTokens));
    }
  }
}

/** The call ran past OPENAI_TIMEOUT_MS, retries included. */
class DeadlineExceeded extends Error {
  override name = "TimeoutError";
}

type StreamEvent =
  | { type: "response.output_text.delta"; delta: string }
  | {
      type: "response.completed" | "response.incomplete" | "response.failed";
      response: {
        status?: string;
        incomplete_details?: { reason?: string } | null;
        usage?: { input_tokens: number; output_tokens: number } | null;
      };
    }
  | { type: "error" }
  | { type: "other" };
