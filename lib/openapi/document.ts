// The OpenAPI 3.1 document, generated from the endpoint specs: the same data the pipeline runs
// on, so the reference cannot drift from what the API does. zod schemas become JSON Schema
// 2020-12, which OpenAPI 3.1 uses as is.
import * as z from "zod";
import type { AuthRequirement, Endpoint } from "../http/endpoint.js";
import { ERROR_CODES, type ErrorCode } from "../http/errors.js";
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from "../http/problem.js";
import { HTTP_METHODS, type HttpMethod, type Route } from "../http/route.js";
import { RATE_LIMIT_POLICIES } from "../limits/policies.js";
import { exampleFromSchema } from "./example-from-schema.js";
import { type OperationExamples, operationExamples } from "./examples.js";
import { API_GUIDE, authNote } from "./guide.js";
import { type ProblemContext, problemExample } from "./problem-examples.js";

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;

/**
 * The tags in the order the reference shows them (Swagger UI follows the document's `tags`): what
 * an app for customers calls first, then staff tools, then what only machines call.
 */
export const TAG_ORDER: { name: string; description: string }[] = [
  { name: "catalogue", description: "The session types a practice offers, with their prices." },
  { name: "availability", description: "The free times of a day, in the practice's time zone." },
  { name: "bookings", description: "Holding, reading, moving and cancelling a booking." },
  { name: "consent", description: "The client's informed consent, recorded before a booking." },
  { name: "payments", description: "Paying for a hold, and what the payment ledger records." },
  {
    name: "flights",
    description: "Flight search (cached), offer price checks, bookings with travellers, payment.",
  },
  { name: "auth", description: "Accounts and sessions: sign up, sign in, reset a password." },
  { name: "users", description: "The signed-in person's profile." },
  { name: "settings", description: "One settings document per user." },
  { name: "sync", description: "Settings kept in step across a person's devices." },
  { name: "subscriptions", description: "Paid tiers through Stripe Billing." },
  { name: "analytics", description: "Usage events from users who opted in, and daily totals." },
  {
    name: "shops",
    description:
      "Multi-tenant commerce: shops and their teams (owner, admin, agent), products, orders and the public order and contact forms customers use without an account.",
  },
  {
    name: "shop payments",
    description:
      "Paying for a shop's orders (Stripe Connect, or Razorpay for INR), refunds by the shop's owners and admins, and payout onboarding.",
  },
  {
    name: "shop chat",
    description:
      "Live chat between a shop's team and its customers: the team's inbox (conversations, triage, replies; realtime events on the shop's private channel `shop:{shopId}`) and the customers' web chat widget (no account, a conversation token).",
  },
  {
    name: "shop channels",
    description:
      "A shop's Telegram and Viber bots, connected by their owner with the bot's token (stored sealed, never returned), so customers' messages arrive in the shop's live chat and replies go back out. Facebook, Instagram and TikTok (OAuth) are not built yet.",
  },
  {
    name: "ai",
    description:
      "Chat (streamed), text from server-side templates and text analysis through OpenAI, on a daily token budget.",
  },
  { name: "notifications", description: "Staff: email and text messages to customers." },
  { name: "push", description: "Web Push: a member's browsers receive shop notifications." },
  {
    name: "staff",
    description: "Staff: their practitioners' bookings, payments and consent records, refunds.",
  },
  {
    name: "admin",
    description:
      "Admins manage the practice: session types and prices, practitioners, hours, time off, staff roles, retention.",
  },
  {
    name: "operations",
    description:
      "What needs a human now (stuck webhooks, messages, refunds, captures, disputes, jobs), the actions that fix it, and the deployment's health.",
  },
  { name: "platform", description: "Health and this document." },
  { name: "webhooks", description: "Called by payment, email and SMS providers, not by apps." },
  { name: "cron", description: "Scheduled jobs, called by the scheduler with CRON_SECRET." },
];

/** `now`: when the document is built; the examples' dates are counted from it. */
export function openApiDocument(
  routes: Record<string, Route>,
  version: string,
  now: Date = new Date(),
) {
  const examples = operationExamples(now);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, route] of Object.entries(routes).sort(([a], [b]) => a.localeCompare(b))) {
    const operations: Record<string, unknown> = {};
    // As lib/http/route.ts answers a 405: the methods served, HEAD with GET, and OPTIONS.
    const served = HTTP_METHODS.filter((method) => route.endpoints[method]);
    const allow = [...served, ...(route.endpoints.GET ? ["HEAD"] : []), "OPTIONS"];
    for (const [method, endpoint] of Object.entries(route.endpoints) as [HttpMethod, Endpoint][]) {
      operations[method.toLowerCase()] = operation(path, method, endpoint, {
        allow,
        examples,
        now,
      });
    }
    paths[openApiPath(path)] = operations;
  }
  return hoistDefinitions({
    openapi: "3.1.0" as const,
    info: {
      title: "Bastion API",
      version,
      description: API_GUIDE,
    },
    servers: [{ url: "/" }],
    tags: usedTags(paths),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description:
            "The Supabase access token of the signed-in user: `accessToken` from POST /api/auth/login, /api/auth/register or /api/auth/refresh.",
        },
        cronSecret: {
          type: "http",
          scheme: "bearer",
          description:
            "CRON_SECRET, sent by Vercel Cron, or DATABASE_WEBHOOK_SECRET, sent by the database through pg_net; scheduled jobs only.",
        },
      },
      schemas: { Problem: jsonSchema(ProblemSchema, "output") } as Record<string, unknown>,
    },
  });
}

/**
 * zod writes each named schema (`.meta({ id })`) into a `$defs` of every schema that uses it and
 * refers to it as `#/$defs/Name`. Inside an OpenAPI document that pointer resolves against the
 * document's root, where there is no `$defs`: renderers and generators cannot follow it. Every
 * definition moves to `components.schemas`, once, and the references point there.
 */
function hoistDefinitions<T extends { components: { schemas: Record<string, unknown> } }>(
  document: T,
): T {
  const definitions: Record<string, unknown> = {};
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (!value || typeof value !== "object") return value;
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === "$defs") {
        for (const [name, definition] of Object.entries(child as Record<string, unknown>)) {
          definitions[name] = visit(definition);
        }
      } else if (key === "$ref" && typeof child === "string") {
        result[key] = child.replace(/^#\/\$defs\//, "#/components/schemas/");
      } else if (key !== "$schema") {
        result[key] = visit(child);
      }
    }
    return result;
  };
  const hoisted = visit(document) as T;
  // A named root schema was only a reference to its own definition; the definition replaces it.
  hoisted.components.schemas = { ...hoisted.components.schemas, ...definitions };
  return hoisted;
}

/** Who may call: a signed-in user, anyone with or without a token, or the scheduler. */
function security(auth: AuthRequirement) {
  if (auth === "public") return undefined;
  if (auth === "cron") return [{ cronSecret: [] }];
  if (auth === "optional") return [{}, { bearer: [] }];
  return [{ bearer: [] }];
}

/** /api/bookings/[id] → /api/bookings/{id} */
export function openApiPath(routePath: string): string {
  return routePath.replace(/\[([^\]]+)\]/g, "{$1}");
}

/** What a retry with the same Idempotency-Key gets, and what it does not (shown-once secrets). */
function idempotencyKeyDescription(shownOnce: readonly string[]): string {
  const replays = "A fresh UUID per operation; a retry with the same key replays the answer";
  if (shownOnce.length === 0) return `${replays}.`;
  const fields = shownOnce.map((field) => `\`${field}\``).join(", ");
  return `${replays} (with \`Idempotent-Replayed: true\`) except ${fields}, which is shown once and never stored: a replay answers without it, nor with it in a link's fragment.`;
}

/** The tags the operations use, in TAG_ORDER; any other tag after those, by name. */
function usedTags(paths: Record<string, Record<string, unknown>>) {
  const used = new Set(
    Object.values(paths).flatMap((operations) =>
      Object.values(operations).flatMap((operation) => (operation as { tags: string[] }).tags),
    ),
  );
  const known = TAG_ORDER.filter((tag) => used.delete(tag.name));
  return [...known, ...[...used].sort().map((name) => ({ name }))];
}

interface OperationContext {
  allow: string[];
  examples: Record<string, OperationExamples>;
  now: Date;
}

function operation(
  path: string,
  method: HttpMethod,
  endpoint: Endpoint,
  { allow, examples, now }: OperationContext,
) {
  const { spec } = endpoint;
  // Hand-written examples where there are some (examples.ts), else ones made from the schema.
  const given: OperationExamples = examples[`${method} ${openApiPath(path)}`] ?? {};
  const parameters = [
    ...objectParameters(spec.params, "path", now, given.parameters),
    ...objectParameters(spec.query, "query", now, given.parameters),
    ...(spec.idempotency
      ? [
          {
            name: "Idempotency-Key",
            in: "header",
            required: spec.idempotency === "required",
            description: idempotencyKeyDescription(spec.shownOnce ?? []),
            // No example: Swagger UI would fill the same key into every "Try it out".
            schema: { type: "string", maxLength: 255 },
          },
        ]
      : []),
  ];
  // A redirect-only endpoint (an OAuth hop), or one answering a page of its own, has no 204.
  const answersOnlyRedirects =
    !spec.response &&
    (spec.alsoAnswers ?? []).some(
      ({ status }) => (status >= 300 && status < 304) || status === 200,
    );
  const success = spec.response
    ? {
        description: "Success",
        content: {
          "application/json": withExample(jsonSchema(spec.response, "output"), now, given.response),
          ...(spec.eventStream && {
            "text/event-stream": { schema: jsonSchema(spec.eventStream, "output") },
          }),
        },
      }
    : { description: "Success, no content" };
  return {
    operationId: `${method.toLowerCase()}${path.replace(/\W+(\w)?/g, (_, c: string = "") => c.toUpperCase())}`,
    summary: spec.summary,
    description: [spec.description, authNote(spec.auth)].filter(Boolean).join("\n\n"),
    tags: spec.tags ?? [path.split("/")[2] ?? "api"],
    ...(security(spec.auth) && { security: security(spec.auth) }),
    ...(Array.isArray(spec.auth) && { "x-roles": spec.auth }),
    ...(parameters.length > 0 && { parameters }),
    ...(spec.body && {
      requestBody: {
        required: !spec.body.safeParse(undefined).success,
        content: {
          "application/json": withExample(jsonSchema(spec.body, "input"), now, given.request),
        },
      },
    }),
    ...(spec.rawBody && {
      requestBody: { required: true, content: { "*/*": { schema: { type: "string" } } } },
    }),
    responses: {
      ...(!answersOnlyRedirects && {
        [spec.response ? String(spec.status ?? 200) : "204"]: success,
      }),
      ...Object.fromEntries(
        (spec.alsoAnswers ?? []).map(({ status, description, body, mediaType }) => [
          String(status),
          mediaType
            ? { description, content: { [mediaType]: { schema: { type: "string" } } } }
            : body
              ? {
                  description,
                  content: {
                    "application/json": withExample(jsonSchema(body, "output"), now, undefined),
                  },
                }
              : { description },
        ]),
      ),
      ...errorResponses(errorCodes(endpoint), { allow, endpoint, now }),
    },
  };
}

/** A media type object with its schema and an example: the one given, else one made from it. */
function withExample(schema: JsonSchema, now: Date, given: unknown) {
  const example = given ?? exampleFromSchema(schema, { now });
  return { schema, ...(example !== undefined && { example }) };
}

function objectParameters(
  schema: z.ZodType | undefined,
  location: "path" | "query",
  now: Date,
  examples: OperationExamples["parameters"] = {},
) {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const fieldSchema = jsonSchema(field, "input");
    const required = location === "path" || !field.safeParse(undefined).success;
    // Swagger UI fills examples in for "Try it out": an optional parameter gets one only when
    // it was written for it, so that a made-up value is never sent unasked.
    const example =
      examples[name] ?? (required ? exampleFromSchema(fieldSchema, { now }) : undefined);
    return {
      name,
      in: location,
      required,
      schema: fieldSchema,
      ...(example !== undefined && { example }),
    };
  });
}

/** The errors an endpoint can answer with, from what its spec switches on. */
export function errorCodes(endpoint: Endpoint): ErrorCode[] {
  const { spec } = endpoint;
  const codes = new Set<ErrorCode>([
    // Every endpoint validates its query, an endpoint without one too: `?x=1` is refused there.
    "validation_failed",
    // A request may carry a body whatever the spec says; the pipeline checks it before anything
    // (an endpoint without a body refuses one), so these answers can come from any endpoint.
    ...(spec.rawBody
      ? (["payload_too_large"] as const)
      : (["malformed_json", "payload_too_large", "unsupported_media_type"] as const)),
    ...(spec.auth !== "public" ? (["unauthorized"] as const) : []),
    ...(spec.auth === "cron" ? (["provider_not_configured"] as const) : []),
    ...(Array.isArray(spec.auth) ? (["forbidden"] as const) : []),
    ...(spec.limit ? (["rate_limited"] as const) : []),
    ...(spec.idempotency ? (["idempotency_in_progress", "idempotency_key_reused"] as const) : []),
    ...(spec.idempotency === "required" ? (["idempotency_key_missing"] as const) : []),
    ...(dependsOnAService(spec) ? (["service_unavailable"] as const) : []),
    "method_not_allowed",
    "internal_error",
    ...(spec.errors ?? []),
  ]);
  return [...codes];
}

/**
 * Whether the pipeline itself answers 503 when a service it relies on is down: the Auth server's
 * keys that verify a token (any auth but public and cron), a rate limit that fails closed, or
 * the idempotency store.
 */
function dependsOnAService(spec: Endpoint["spec"]): boolean {
  const rules = spec.limit === undefined ? [] : [spec.limit].flat();
  const policies = rules.map((rule) => (typeof rule === "string" ? rule : rule.policy));
  return (
    (spec.auth !== "public" && spec.auth !== "cron") ||
    policies.some((policy) => RATE_LIMIT_POLICIES[policy].failure === "closed") ||
    spec.idempotency !== undefined
  );
}

/**
 * OpenAPI keys responses by status; codes that share one (400 has several) are listed together,
 * with a named example per code.
 */
function errorResponses(codes: ErrorCode[], context: ProblemContext): Record<string, unknown> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = ERROR_CODES[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, shared]) => [
      String(status),
      {
        description: shared.map((code) => `\`${code}\`: ${ERROR_CODES[code].title}`).join("; "),
        content: {
          [PROBLEM_CONTENT_TYPE]: {
            schema: { $ref: "#/components/schemas/Problem" },
            ...(shared.length === 1 && shared[0]
              ? { example: problemExample(shared[0], context) }
              : {
                  examples: Object.fromEntries(
                    shared.map((code) => [
                      code,
                      {
                        summary: `${code}: ${ERROR_CODES[code].title}`,
                        value: problemExample(code, context),
                      },
                    ]),
                  ),
                }),
          },
        },
      },
    ]),
  );
}
