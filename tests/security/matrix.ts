// The security test matrix, generated from the endpoint specs of every api/ function of a
// project: whatever endpoint is added later is attacked by the same cases without a new test.
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { DEFAULT_BODY_LIMIT_BYTES } from "../../lib/http/body.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import { HTTP_METHODS, type HttpMethod, type Route } from "../../lib/http/route.js";
import { LONE_SURROGATE_MESSAGE } from "../../lib/http/validation.js";
import {
  SPA_ORIGIN,
  startTestApi,
  TEST_CRON_SECRET,
  type TestApi,
  type TestApiOptions,
} from "../helpers/api.js";
import { expectProblem as expectProblemAnswer, type Problem } from "../helpers/requests.js";
import { loadRoutes } from "../helpers/routes.js";

interface Case {
  path: string;
  method: HttpMethod;
  endpoint: Endpoint;
}

/** A value each dynamic segment's schema accepts, so the request reaches the step under test. */
const PARAM_CANDIDATES = ["1", "00000000-0000-4000-8000-000000000001", "sample"];

function concretePath(path: string, endpoint: Endpoint): string {
  return path.replace(/\[([^\]]+)\]/g, (_, name: string) => {
    const shape = (
      endpoint.spec.params as
        | { shape?: Record<string, { safeParse(v: unknown): { success: boolean } }> }
        | undefined
    )?.shape;
    const schema = shape?.[name];
    return PARAM_CANDIDATES.find((candidate) => schema?.safeParse(candidate).success) ?? "1";
  });
}

function casesOf(routes: Record<string, Route>): Case[] {
  return Object.entries(routes).flatMap(([path, route]) =>
    HTTP_METHODS.filter((method) => route.endpoints[method]).map((method) => ({
      path,
      method,
      endpoint: route.endpoints[method] as Endpoint,
    })),
  );
}

const name = ({ method, path }: Case) => `${method} ${path}`;

export async function securityMatrix(rootDir: string, options: TestApiOptions = {}) {
  const routes = await loadRoutes(rootDir);
  const cases = casesOf(routes);
  const userCases = cases.filter(({ endpoint }) => endpoint.spec.auth !== "public");
  const jsonBodyCases = cases.filter(
    ({ endpoint }) => endpoint.spec.body && !endpoint.spec.rawBody,
  );
  const bodyCases = cases.filter(({ endpoint }) => endpoint.spec.body || endpoint.spec.rawBody);

  let api: TestApi;
  let adminToken: string;
  let plainUserToken: string;
  beforeAll(async () => {
    // Row counts must move only with the request under test: no delivery started by the
    // database (pg_net) in the background, such as each new admin's welcome email.
    api = await startTestApi({ databaseWebhooks: false, ...options, rootDir });
    adminToken = (await api.signUp({ roles: ["admin"] })).accessToken;
    plainUserToken = (await api.signUp()).accessToken;
  });
  afterAll(async () => {
    await api?.close();
  });

  const send = (
    c: Case,
    init: { token?: string; body?: string; headers?: Record<string, string> } = {},
  ) =>
    fetch(`${api.url}${concretePath(c.path, c.endpoint)}`, {
      method: c.method,
      // The endpoint's own answer is judged, never the page a redirect leads to.
      redirect: "manual",
      headers: {
        ...(init.body !== undefined && { "content-type": "application/json" }),
        ...(init.token && { authorization: `Bearer ${init.token}` }),
        ...init.headers,
      },
      ...(init.body !== undefined && { body: init.body }),
    });

  /** Rows in every table the API can write, to prove a refused request changed nothing. */
  const rowCount = async () => {
    const tables = await api.supabase.db.query<{ name: string }>(
      "select format('%I.%I', schemaname, tablename) as name from pg_tables where schemaname in ('public', 'auth')",
    );
    const counts = await Promise.all(
      tables.rows.map(async ({ name: table }) =>
        Number(
          (await api.supabase.db.query<{ n: number }>(`select count(*)::int as n from ${table}`))
            .rows[0]?.n,
        ),
      ),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  };

  /** The shared problem check, and nothing of the server's internals in the body. */
  async function expectProblem(response: Response, status: number, code: Problem["code"]) {
    const problem = await expectProblemAnswer(response, status, code);
    expect(JSON.stringify(problem)).not.toMatch(
      /\bat .*\.(ts|js):\d+|node_modules|\/work\/|stack/i,
    );
  }

  const badTokens: [string, () => Promise<string | undefined>][] = [
    ["no token", async () => undefined],
    ["an expired token", async () => api.supabase.keys.sign(userClaims(adminToken), -120)],
    ["a token with a forged signature", async () => `${adminToken.slice(0, -6)}AAAAAA`],
    ["an alg:none token", async () => unsignedToken(userClaims(adminToken))],
    [
      "a token for another audience",
      async () => api.supabase.keys.sign({ ...userClaims(adminToken), aud: "other-app" }, 600),
    ],
    ["the anon key", async () => api.supabase.anonKey],
  ];

  // A group with no endpoint to attack yet is left out (vitest refuses an empty group).
  const group = (title: string, items: unknown[], body: () => void) => {
    if (items.length > 0) describe(title, body);
  };

  group("authentication", userCases, () => {
    for (const c of userCases) {
      for (const [label, token] of badTokens) {
        // Guests may call an optional-auth endpoint; a token, once sent, must be good.
        if (c.endpoint.spec.auth === "optional" && label === "no token") continue;
        it(`${name(c)} refuses ${label} with 401`, async () => {
          await expectProblem(await send(c, { token: await token() }), 401, "unauthorized");
        });
      }
    }
  });

  const roleCases = cases.filter(({ endpoint }) => Array.isArray(endpoint.spec.auth));
  group("authorization", roleCases, () => {
    for (const c of roleCases) {
      it(`${name(c)} refuses a signed-in user without the role with 403`, async () => {
        await expectProblem(await send(c, { token: plainUserToken }), 403, "forbidden");
      });
    }
  });

  // Each endpoint's hostile bodies come from an admin of its own: per-user rate limits (payment:
  // 10 in 10 minutes, shared by every payment route) would otherwise spill from one endpoint's
  // cases into the next one's and answer 429 instead of the 400 under test.
  // The scheduler's endpoints take only the cron secret, so their hostile bodies carry it.
  const admins = new Map<string, Promise<string>>();
  const adminOf = (c: Case) => {
    if (c.endpoint.spec.auth === "cron") return Promise.resolve(TEST_CRON_SECRET);
    let token = admins.get(name(c));
    if (!token) {
      token = api.signUp({ roles: ["admin"] }).then((admin) => admin.accessToken);
      admins.set(name(c), token);
    }
    return token;
  };

  group("hostile bodies change nothing", bodyCases, () => {
    for (const c of jsonBodyCases) {
      const attempts: [string, string, number, Problem["code"]][] = [
        ["malformed JSON", '{"a": ', 400, "malformed_json"],
        ["a body of the wrong type", '"just a string"', 400, "validation_failed"],
        [
          "an unknown field",
          JSON.stringify({ __proto_pollution__: true }),
          400,
          "validation_failed",
        ],
      ];
      for (const [label, body, status, code] of attempts) {
        it(`${name(c)} answers ${label} with ${status}`, async () => {
          const token = await adminOf(c);
          const before = await rowCount();
          const response = await send(c, { token, body });
          await expectProblem(response.clone(), status, code);
          if (label === "an unknown field") {
            const problem = (await response.json()) as { errors?: Record<string, string[]> };
            expect(problem.errors?.body?.join(" ")).toContain("__proto_pollution__");
          }
          expect(await rowCount()).toBe(before);
        });
      }
    }
    for (const c of bodyCases) {
      it(`${name(c)} answers an oversized body with 413`, async () => {
        const before = await rowCount();
        const limit = c.endpoint.spec.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
        const body = JSON.stringify({ padding: "x".repeat(limit) });
        await expectProblem(await send(c, { token: adminToken, body }), 413, "payload_too_large");
        expect(await rowCount()).toBe(before);
      });
    }
  });

  // JSON.parse turns a "\ud800" escape into a lone surrogate; every string field of every body
  // gets one at once, and each must be named in the 400.
  group("lone UTF-16 surrogates", jsonBodyCases, () => {
    for (const c of jsonBodyCases) {
      const leaves = stringLeaves(jsonSchemaOf(c.endpoint.spec.body as z.ZodType));
      if (leaves.length === 0) continue;
      it(`${name(c)} refuses a lone surrogate in each of its ${leaves.length} string fields with 400`, async () => {
        const { body, fields } = bodyWithEvery(leaves, LONE_SURROGATE);
        const token = await adminOf(c);
        const before = await rowCount();
        const response = await send(c, { token, body: JSON.stringify(body) });
        await expectProblem(response.clone(), 400, "validation_failed");
        const problem = (await response.json()) as { errors?: Record<string, string[]> };
        expect(problem.errors).toEqual(
          Object.fromEntries(fields.map((field) => [field, [LONE_SURROGATE_MESSAGE]])),
        );
        expect(await rowCount()).toBe(before);
      });
    }
  });

  group("CORS", cases, () => {
    for (const c of cases) {
      it(`${name(c)} grants nothing to a foreign origin, and grants the SPA's`, async () => {
        const foreign = await send(c, { headers: { origin: "https://evil.example" } });
        expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
        const preflight = await fetch(`${api.url}${concretePath(c.path, c.endpoint)}`, {
          method: "OPTIONS",
          headers: { origin: SPA_ORIGIN, "access-control-request-method": c.method },
        });
        expect(preflight.headers.get("access-control-allow-origin")).toBe(SPA_ORIGIN);
      });
    }
  });

  group("methods", Object.keys(routes), () => {
    for (const [path, route] of Object.entries(routes)) {
      const unserved = HTTP_METHODS.find((method) => !route.endpoints[method]);
      if (!unserved) continue;
      it(`${unserved} ${path} is 405 with Allow`, async () => {
        const response = await send({
          path,
          method: unserved,
          endpoint: Object.values(route.endpoints)[0] as Endpoint,
        });
        await expectProblem(response.clone(), 405, "method_not_allowed");
        expect(response.headers.get("allow")).toContain("OPTIONS");
      });
    }
  });
}

const LONE_SURROGATE = "\ud800";

type JsonSchemaNode = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  prefixItems?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
  $defs?: Record<string, JsonSchemaNode>;
};

function jsonSchemaOf(schema: z.ZodType): JsonSchemaNode {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
}

/** The path of every string a body can hold (a record's values under the key "x"). */
function stringLeaves(root: JsonSchemaNode): (string | number)[][] {
  const leaves = new Map<string, (string | number)[]>();
  const visit = (node: JsonSchemaNode, path: (string | number)[], refs: Set<string>) => {
    if (node.$ref) {
      if (refs.has(node.$ref)) return;
      const target = root.$defs?.[node.$ref.replace("#/$defs/", "")];
      if (target) visit(target, path, new Set([...refs, node.$ref]));
      return;
    }
    const types = Array.isArray(node.type) ? node.type : [node.type];
    const stringy =
      types.includes("string") ||
      [...(node.enum ?? []), node.const].some((value) => typeof value === "string");
    if (stringy && path.length > 0) leaves.set(JSON.stringify(path), path);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      visit(child, [...path, key], refs);
    }
    if (typeof node.additionalProperties === "object") {
      visit(node.additionalProperties, [...path, "x"], refs);
    }
    if (node.items) visit(node.items, [...path, 0], refs);
    node.prefixItems?.forEach((item, index) => {
      visit(item, [...path, index], refs);
    });
    for (const variant of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) {
      visit(variant, path, refs);
    }
  };
  visit(root, [], new Set());
  return [...leaves.values()];
}

/**
 * One body with `value` at every leaf; a leaf that a union also makes a container (a string or
 * an object) is left a container. Returns the body and the field names the 400 should list.
 */
function bodyWithEvery(leaves: (string | number)[][], value: string) {
  const body: Record<string | number, unknown> = {};
  const containers = new Set(
    leaves.flatMap((path) => path.slice(0, -1).map((_, i) => JSON.stringify(path.slice(0, i + 1)))),
  );
  const fields: string[] = [];
  for (const path of leaves) {
    if (containers.has(JSON.stringify(path))) continue;
    let at = body;
    path.slice(0, -1).forEach((key, i) => {
      at[key] ??= typeof path[i + 1] === "number" ? [] : {};
      at = at[key] as Record<string | number, unknown>;
    });
    at[path.at(-1) as string | number] = value;
    fields.push(path.join("."));
  }
  return { body, fields };
}

function userClaims(token: string): Record<string, unknown> {
  const { exp: _exp, iat: _iat, ...claims } = decodeJwt(token);
  return claims;
}

function unsignedToken(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: "none", typ: "JWT" })}.${encode({ ...claims, iat: now, exp: now + 600 })}.`;
}
