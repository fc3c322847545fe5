// The OpenAPI 3.1 document, generated from the endpoint specs: the same data the pipeline runs
// on, so the reference cannot drift from what the API does. zod schemas become JSON Schema
// 2020-12, which OpenAPI 3.1 uses as is.
import { z } from "zod";
import type { AuthRequirement, Endpoint } from "../http/endpoint.js";
import { ERROR_CODES, type ErrorCode } from "../http/errors.js";
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from "../http/problem.js";
import type { HttpMethod, Route } from "../http/route.js";

type JsonSchema = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as JsonSchema;

export function openApiDocument(routes: Record<string, Route>, version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, route] of Object.entries(routes).sort(([a], [b]) => a.localeCompare(b))) {
    const operations: Record<string, unknown> = {};
    for (const [method, endpoint] of Object.entries(route.endpoints) as [HttpMethod, Endpoint][]) {
      operations[method.toLowerCase()] = operation(path, method, endpoint);
    }
    paths[openApiPath(path)] = operations;
  }
  return hoistDefinitions({
    openapi: "3.1.0" as const,
    info: {
      title: "Bastion API",
      version,
      description:
        "The same-origin API a single-page app calls so that no secret reaches the browser. Errors are RFC 9457 problem details.",
    },
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "The Supabase access token of the signed-in user.",
        },
        cronSecret: {
          type: "http",
          scheme: "bearer",
          description: "CRON_SECRET, sent by Vercel Cron; scheduled jobs only.",
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

function operation(path: string, method: HttpMethod, endpoint: Endpoint) {
  const { spec } = endpoint;
  const parameters = [
    ...objectParameters(spec.params, "path"),
    ...objectParameters(spec.query, "query"),
    ...(spec.idempotency
      ? [
          {
            name: "Idempotency-Key",
            in: "header",
            required: spec.idempotency === "required",
            description:
              "A fresh UUID per operation; a retry with the same key replays the answer.",
            schema: { type: "string", maxLength: 255 },
          },
        ]
      : []),
  ];
  // A redirect-only endpoint (an OAuth hop) has no 204 to document.
  const answersOnlyRedirects =
    !spec.response && (spec.alsoAnswers ?? []).some(({ status }) => status >= 300 && status < 304);
  const success = spec.response
    ? {
        description: "Success",
        content: { "application/json": { schema: jsonSchema(spec.response, "output") } },
      }
    : { description: "Success, no content" };
  return {
    operationId: `${method.toLowerCase()}${path.replace(/\W+(\w)?/g, (_, c: string = "") => c.toUpperCase())}`,
    summary: spec.summary,
    ...(spec.description && { description: spec.description }),
    tags: spec.tags ?? [path.split("/")[2] ?? "api"],
    ...(security(spec.auth) && { security: security(spec.auth) }),
    ...(Array.isArray(spec.auth) && { "x-roles": spec.auth }),
    ...(parameters.length > 0 && { parameters }),
    ...(spec.body && {
      requestBody: {
        required: !spec.body.safeParse(undefined).success,
        content: { "application/json": { schema: jsonSchema(spec.body, "input") } },
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
        (spec.alsoAnswers ?? []).map(({ status, description }) => [
          String(status),
          { description },
        ]),
      ),
      ...errorResponses(errorCodes(endpoint)),
    },
  };
}

function objectParameters(schema: z.ZodType | undefined, location: "path" | "query") {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => ({
    name,
    in: location,
    required: location === "path" || !field.safeParse(undefined).success,
    schema: jsonSchema(field, "input"),
  }));
}

/** The errors an endpoint can answer with, from what its spec switches on. */
export function errorCodes(endpoint: Endpoint): ErrorCode[] {
  const { spec } = endpoint;
  const takesInput = Boolean(spec.body || spec.query || spec.params);
  const codes = new Set<ErrorCode>([
    ...(takesInput ? (["validation_failed"] as const) : []),
    ...(spec.body
      ? (["malformed_json", "payload_too_large", "unsupported_media_type"] as const)
      : []),
    ...(spec.rawBody ? (["payload_too_large"] as const) : []),
    ...(spec.auth !== "public" ? (["unauthorized"] as const) : []),
    ...(spec.auth === "cron" ? (["provider_not_configured"] as const) : []),
    ...(Array.isArray(spec.auth) ? (["forbidden"] as const) : []),
    ...(spec.limit ? (["rate_limited"] as const) : []),
    ...(spec.idempotency ? (["idempotency_in_progress", "idempotency_key_reused"] as const) : []),
    ...(spec.idempotency === "required" ? (["idempotency_key_missing"] as const) : []),
    "method_not_allowed",
    "internal_error",
    ...(spec.errors ?? []),
  ]);
  return [...codes];
}

/** OpenAPI keys responses by status; codes that share one (400 has several) are listed together. */
function errorResponses(codes: ErrorCode[]): Record<string, unknown> {
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
            examples: Object.fromEntries(
              shared.map((code) => [
                code,
                { value: { code, status, title: ERROR_CODES[code].title } },
              ]),
            ),
          },
        },
      },
    ]),
  );
}
