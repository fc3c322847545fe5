// The examples in the OpenAPI document are honest: every request body, success body and
// parameter example passes the endpoint's own zod schema, and every problem example is what the
// pipeline would send for its status and code. Hand-written ones (lib/openapi/examples.ts) and
// generated ones alike.
import { describe, expect, it } from "vitest";
import type * as z from "zod";
import type { Endpoint } from "../../../lib/http/endpoint.js";
import { ERROR_CODES, type ErrorCode } from "../../../lib/http/errors.js";
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from "../../../lib/http/problem.js";
import { HTTP_METHODS } from "../../../lib/http/route.js";
import { openApiDocument, openApiPath } from "../../../lib/openapi/document.js";
import { operationExamples } from "../../../lib/openapi/examples.js";
import { routes } from "../../../lib/openapi/routes.js";

interface MediaType {
  schema?: unknown;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}
interface Operation {
  description?: string;
  security?: unknown[];
  "x-roles"?: string[];
  parameters?: { name: string; in: string; required: boolean; example?: unknown }[];
  requestBody?: { content: Record<string, MediaType> };
  responses: Record<string, { content?: Record<string, MediaType> }>;
}
interface Document {
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
}

const document = openApiDocument(routes(), "test") as unknown as Document;

const operations = Object.entries(routes()).flatMap(([path, route]) =>
  HTTP_METHODS.filter((method) => route.endpoints[method]).map((method) => {
    const operation = document.paths[openApiPath(path)]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${path} is missing from the document`);
    return {
      name: `${method} ${openApiPath(path)}`,
      endpoint: route.endpoints[method] as Endpoint,
      operation,
    };
  }),
);

/** What a client receives: the example as JSON, so nothing but JSON values can pass. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function failures(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
}

function examplesOf(media: MediaType | undefined): unknown[] {
  if (!media) return [];
  return [
    ...(media.example === undefined ? [] : [media.example]),
    ...Object.values(media.examples ?? {}).map(({ value }) => value),
  ];
}

describe("the OpenAPI document's examples", () => {
  it("covers every operation", () => {
    expect(operations.length).toBeGreaterThan(50);
    for (const { name, operation } of operations) {
      const all = Object.values(operation.responses).flatMap((response) =>
        Object.values(response.content ?? {}).flatMap(examplesOf),
      );
      expect(all.length, `${name} has no example`).toBeGreaterThan(0);
    }
  });

  it("gives every JSON request body an example that the endpoint's body schema accepts", () => {
    for (const { name, endpoint, operation } of operations) {
      const { body, rawBody } = endpoint.spec;
      if (!body || rawBody) continue;
      const media = operation.requestBody?.content["application/json"];
      expect(media?.example, `${name}: request example`).toBeDefined();
      expect(failures(body, asJson(media?.example)), `${name}: request example`).toEqual([]);
    }
  });

  it("gives every JSON success body an example that the endpoint's response schema accepts", () => {
    for (const { name, endpoint, operation } of operations) {
      const { response, status } = endpoint.spec;
      if (!response) continue;
      const media = operation.responses[String(status ?? 200)]?.content?.["application/json"];
      expect(media?.example, `${name}: response example`).toBeDefined();
      expect(failures(response, asJson(media?.example)), `${name}: response example`).toEqual([]);
    }
  });

  it("gives every required parameter an example, and every example passes the endpoint", () => {
    for (const { name, endpoint, operation } of operations) {
      for (const [location, schema] of [
        ["path", endpoint.spec.params],
        ["query", endpoint.spec.query],
      ] as const) {
        const parameters = (operation.parameters ?? []).filter((p) => p.in === location);
        if (!schema || parameters.length === 0) continue;
        // As the URL carries them: strings.
        const values = Object.fromEntries(
          parameters
            .filter((parameter) => parameter.example !== undefined)
            .map((parameter) => [parameter.name, String(parameter.example)]),
        );
        expect(failures(schema, values), `${name}: ${location} parameter examples`).toEqual([]);
        for (const parameter of parameters.filter(({ required }) => required)) {
          expect(parameter.example, `${name}: ${parameter.name} example`).toBeDefined();
        }
      }
    }
  });

  it("gives every error response a problem+json example per code, with its own status", () => {
    for (const { name, operation } of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const media = response.content?.[PROBLEM_CONTENT_TYPE];
        const examples = examplesOf(media);
        expect(examples.length, `${name} ${status}: examples`).toBeGreaterThan(0);
        if (media?.examples) {
          // Several codes share the status: one example per code, named after it.
          expect(Object.keys(media.examples).length, `${name} ${status}`).toBeGreaterThan(1);
          for (const [key, { value }] of Object.entries(media.examples)) {
            expect((value as { code: string }).code, `${name} ${status}`).toBe(key);
          }
        }
        for (const example of examples) {
          const problem = ProblemSchema.parse(example);
          const code = problem.code as ErrorCode;
          expect(problem.status, `${name} ${status} ${code}`).toBe(Number(status));
          expect(ERROR_CODES[code].status, `${name} ${status} ${code}`).toBe(Number(status));
          expect(problem.title).toBe(ERROR_CODES[code].title);
          expect(problem.type).toBe(`/docs/errors#${code}`);
          expect(problem.requestId).not.toBe("");
          expect(problem.detail).not.toBe("");
          if (code === "validation_failed") {
            expect(Object.keys(problem.errors ?? {}).length, `${name}: errors`).toBeGreaterThan(0);
          }
        }
      }
    }
  });

  it("names real fields in validation_failed examples, as the pipeline reports them", () => {
    const login = document.paths["/api/auth/login"]?.post?.responses["400"]?.content?.[
      PROBLEM_CONTENT_TYPE
    ]?.examples?.validation_failed?.value as { errors: Record<string, string[]> };
    expect(Object.keys(login.errors).sort()).toEqual(["email", "password"]);
    const booking = document.paths["/api/bookings/{id}"]?.get?.responses["400"]?.content?.[
      PROBLEM_CONTENT_TYPE
    ] as MediaType;
    const value = (booking.example ?? booking.examples?.validation_failed?.value) as {
      errors: Record<string, string[]>;
    };
    expect(Object.keys(value.errors)).toEqual(["params.id"]);
    const health = document.paths["/api/health"]?.get?.responses["405"]?.content?.[
      PROBLEM_CONTENT_TYPE
    ]?.example as { detail: string };
    expect(health.detail).toBe("Use GET, HEAD, OPTIONS.");
  });

  it("only lists hand-written examples for operations that exist", () => {
    const names = new Set(operations.map(({ name }) => name));
    const listed = Object.keys(operationExamples(new Date()));
    expect(listed.filter((name) => !names.has(name))).toEqual([]);
  });
});

describe("the OpenAPI document's auth", () => {
  it("says in every operation's description who may call it, roles included", () => {
    for (const { name, endpoint, operation } of operations) {
      const { auth } = endpoint.spec;
      expect(operation.description, name).toContain("**Auth:**");
      if (Array.isArray(auth)) {
        expect(operation.description, name).toContain(`Requires role: ${auth.join(" or ")}`);
        expect(operation["x-roles"]).toEqual(auth);
      }
      if (auth === "cron") expect(operation.security).toEqual([{ cronSecret: [] }]);
    }
  });

  it("explains how to get and send a token", () => {
    expect(document.info.description).toContain("POST /api/auth/login");
    expect(document.info.description).toContain("accessToken");
    expect(document.info.description).toContain("Authorization: Bearer");
    expect(document.info.description).toContain("POST /api/auth/refresh");
    expect(document.info.description).toContain("CRON_SECRET");
  });
});
