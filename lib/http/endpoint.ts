// endpoint(spec, handler): the contract of one method of one route, and the steps every request
// to it goes through. The spec is data — the OpenAPI document and the security test matrix are
// generated from it — so an endpoint is documented and attacked by the same tests as all others.
//
// Order: content type and declared size (cheap header checks) → auth → ip/user rate limit →
// body read within its limit → validation → custom-key rate limit → idempotency → handler →
// response schema. Auth and the rate limit come before the body is read and parsed, so an
// anonymous or flooding caller costs no parsing and learns nothing about the input schema.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import type { Caller } from "../auth/caller.js";
import { type AppRole, hasAnyRole } from "../auth/roles.js";
import {
  checkDeclaredLength,
  DEFAULT_BODY_LIMIT_BYTES,
  hasBody,
  parseJson,
  readBodyText,
  requireJsonContentType,
} from "./body.js";
import { clientIpOf } from "./client-ip.js";
import { ApiError, type ErrorCode } from "./errors.js";
import { HandlerDatabases, RequestContext } from "./handler-context.js";
import { applyRateLimits, type RateLimitRule } from "./rate-limit.js";
import { parseInput } from "./validation.js";

/** What an endpoint without params or query accepts: nothing. Built once, not per request. */
const NO_INPUT = z.strictObject({});

// Loaded on the first request that needs them, so a public function never loads jose or
// supabase-js (each adds tens of milliseconds to a cold start), nor the idempotency store.
const loadAuth = lazily(() => import("../auth/caller.js"));
const loadCronSecret = lazily(() => import("../auth/cron-secret.js"));
const loadUserClient = lazily(() => import("../db/user-client.js"));
const loadAnonClient = lazily(() => import("../db/anon-client.js"));
const loadServiceClient = lazily(() => import("../db/service-client.js"));
const loadIdempotency = lazily(() => import("./idempotency.js"));
const loadDeletedAccount = lazily(() => import("../auth/deleted-account.js"));

function lazily<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}

/**
 * public: anyone, no caller. optional: anyone; a Bearer token, when sent, must verify and makes
 * the caller (guests and signed-in users share the endpoint). user: a signed-in caller. A role
 * list: a signed-in caller with one of the roles. cron: the schedulers, by CRON_SECRET (Vercel
 * Cron) or DATABASE_WEBHOOK_SECRET (the database's triggers and jobs, through pg_net).
 */
export type AuthRequirement = "public" | "optional" | "user" | "cron" | readonly AppRole[];

/** Whether the endpoint refuses a request without valid credentials (401). */
export const requiresCredentials = (auth: AuthRequirement) =>
  auth !== "public" && auth !== "optional";

type AnyObject = z.ZodType<Record<string, unknown>>;

export interface EndpointSpec<
  Params extends AnyObject | undefined = undefined,
  Query extends AnyObject | undefined = undefined,
  Body extends z.ZodType | undefined = undefined,
  Output extends z.ZodType | undefined = undefined,
  Auth extends AuthRequirement = AuthRequirement,
> {
  summary: string;
  description?: string;
  tags?: string[];
  auth: Auth;
  /** Dynamic path segments ([id].ts); Vercel passes them as query parameters. */
  params?: Params;
  query?: Query;
  body?: Body;
  /** Webhooks: the body is handed over as raw text for signature checks, in any media type. */
  rawBody?: boolean;
  /** The success body; fields not in it are dropped. Omitted: the endpoint answers 204. */
  response?: Output;
  status?: 200 | 201 | 202;
  /**
   * The success answer may instead be server-sent events (the handler returns that Response
   * itself): the schema of the events, for the OpenAPI document's `text/event-stream` content.
   */
  eventStream?: z.ZodType;
  /**
   * Answers other than the success body and the problems, which the handler returns as a
   * Response itself (a redirect, 304 Not Modified, a 202 with a body of its own): listed for the
   * OpenAPI document, with `body`, the JSON schema of what that answer carries, when it has one.
   */
  alsoAnswers?: {
    status: 200 | 202 | 302 | 303 | 304;
    description: string;
    body?: z.ZodType;
    /** A body that is not JSON (an HTML page): its media type, documented as a string. */
    mediaType?: string;
  }[];
  limit?: RateLimitRule<InferOr<Body, undefined>> | RateLimitRule<InferOr<Body, undefined>>[];
  idempotency?: "optional" | "required";
  /**
   * Top-level response fields that hold a secret shown once (a guest's manage token). An
   * Idempotency-Key replay answers without them (and without a URL fragment carrying them):
   * the stored response must not keep them (lib/http/shown-once.ts).
   */
  shownOnce?: readonly string[];
  bodyLimitBytes?: number;
  /** Cache-Control for public GETs that may be cached; everything else is no-store. */
  cacheControl?: string;
  /** Error codes the handler itself may answer with, for the OpenAPI document. */
  errors?: ErrorCode[];
  /**
   * Why the handler needs the service client (db.service), which bypasses row-level security.
   * Three reasons are allowed, each checked when the endpoint is built: "cron" (auth: "cron",
   * the schedulers), "webhook" (a rawBody endpoint that verifies the provider's signature before
   * it acts) and `{ ledgerStep }`, a user-facing write only the server may make, named in a
   * sentence (sealed personal data, consent evidence, the payments ledger, a guest's booking
   * reached by its manage token), after the handler has checked the caller itself. Without it
   * db.service throws, and the import-graph test (tests/lib/db/service-client-imports.test.ts)
   * leaves the pipeline as the only way to reach the service client.
   */
  privileged?: Privilege;
  /**
   * The round trips one call makes, as tests/api/round-trips.test.ts plays it (and `npm run
   * bench` prints): requests to the database API (Supabase's PostgREST and Auth), Redis calls
   * (a pipeline is one) and provider requests, before the response, and in `afterResponse` the
   * waitUntil work after it. Not used at run time: a reviewed contract. The test fails when a
   * count grows past the declaration, and when it drops below, so the figures stay honest.
   */
  roundTrips?: RoundTrips;
}

export interface RoundTrips {
  database: number;
  redis: number;
  /** 0 when omitted. */
  providers?: number;
  /** Work after the response (waitUntil); none when omitted. */
  afterResponse?: { database?: number; redis?: number; providers?: number };
}

export type Privilege = "cron" | "webhook" | { ledgerStep: string };

/** What is wrong with a spec's `privileged`, or undefined when it is allowed. */
export function privilegeProblem(
  spec: Pick<EndpointSpec, "privileged" | "auth" | "rawBody">,
): string | undefined {
  const { privileged } = spec;
  if (privileged === undefined) return undefined;
  if (privileged === "cron") {
    return spec.auth === "cron" ? undefined : 'privileged: "cron" needs auth: "cron"';
  }
  if (privileged === "webhook") {
    return spec.rawBody && spec.auth === "public"
      ? undefined
      : 'privileged: "webhook" needs rawBody: true and auth: "public" (the signature is the auth)';
  }
  if (spec.auth === "cron") return 'a scheduler\'s endpoint declares privileged: "cron"';
  return privileged.ledgerStep.trim().length >= 10
    ? undefined
    : "privileged: { ledgerStep } must say in a sentence why the server writes past RLS";
}

type InferOr<T, Fallback> = T extends z.ZodType ? z.infer<T> : Fallback;

export interface HandlerContext<
  Params,
  Query,
  Body,
  Signed extends Caller | undefined = Caller | undefined,
  IdempotencyKey extends string | undefined = string | undefined,
> {
  /** The request's headers; the body, params and query come parsed below. */
  headers: Headers;
  requestId: string;
  ip: string;
  params: Params;
  query: Query;
  body: Body;
  /** The body exactly as received (rawBody endpoints verify signatures over it). */
  rawBody: string;
  /** The signed-in caller: always there on endpoints that are not public. */
  caller: Signed;
  /** The Idempotency-Key the pipeline checked: always there when the spec requires one. */
  idempotencyKey: IdempotencyKey;
  /**
   * The app's own origin, from APP_URL: every absolute URL a handler builds starts here, never
   * at the Host the request names.
   */
  readonly appUrl: string;
  db: {
    /** supabase-js with the anon key and no user: what a guest may read and call. */
    readonly anon: SupabaseClient;
    /** supabase-js carrying the caller's token, so row-level security decides; throws without one. */
    readonly user: SupabaseClient;
    /** The caller's client when someone is signed in, else the anon one (optional-auth endpoints). */
    readonly caller: SupabaseClient;
    /** The service client, bypassing row-level security: only on `privileged` endpoints. */
    readonly service: SupabaseClient;
  };
}

export interface Endpoint {
  spec: EndpointSpec<
    AnyObject | undefined,
    AnyObject | undefined,
    z.ZodType | undefined,
    z.ZodType | undefined
  >;
  /**
   * Runs every step for one request; errors are thrown as ApiError. `url` is the request's URL,
   * parsed once by the route.
   */
  run(
    request: Request,
    url: URL,
    requestId: string,
  ): Promise<{ response: Response; caller?: Caller }>;
}

export function endpoint<
  Params extends AnyObject | undefined = undefined,
  Query extends AnyObject | undefined = undefined,
  Body extends z.ZodType | undefined = undefined,
  Output extends z.ZodType | undefined = undefined,
  const Auth extends AuthRequirement = AuthRequirement,
  const Idempotency extends "optional" | "required" | undefined = undefined,
>(
  spec: EndpointSpec<Params, Query, Body, Output, Auth> & { idempotency?: Idempotency },
  handler: (
    context: HandlerContext<
      InferOr<Params, Record<string, never>>,
      InferOr<Query, Record<string, never>>,
      InferOr<Body, undefined>,
      Auth extends "public" | "cron"
        ? undefined
        : Auth extends "optional"
          ? Caller | undefined
          : Caller,
      Idempotency extends "required" ? string : string | undefined
    >,
  ) => Promise<InferOr<Output, void> | Response>,
): Endpoint {
  const misdeclared = privilegeProblem(spec);
  if (misdeclared) throw new Error(`${spec.summary}: ${misdeclared}`);
  const bodyLimit = spec.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const rules =
    spec.limit === undefined ? [] : Array.isArray(spec.limit) ? spec.limit : [spec.limit];

  const contract = spec as Endpoint["spec"];
  const paramNames = new Set(Object.keys(shapeOf(spec.params)));
  const keyedByBody = rules.some((rule) => typeof rule !== "string");
  return {
    spec: contract,
    async run(request, url, requestId) {
      const withBody = hasBody(request);
      // Whether the Content-Type is JSON; when it is not, only an empty body may pass.
      let declaredJson = false;
      if (withBody) {
        checkDeclaredLength(request, bodyLimit);
        if (!spec.rawBody) declaredJson = requireJsonContentType(request);
      }
      const caller = await authorize(request, spec.auth);
      const ip = clientIpOf(request);
      const limitHeaders = await applyRateLimits(rules, "before-body", {
        ip,
        caller,
        body: undefined,
      });

      const rawBody = withBody ? await readBodyText(request, bodyLimit) : "";
      if (withBody && !spec.rawBody && !declaredJson) requireJsonContentType(request, rawBody);
      const json = spec.rawBody ? undefined : parseJson(rawBody);
      if (!spec.rawBody && !spec.body && json !== undefined) {
        throw new ApiError("validation_failed", "This endpoint takes no body.", {
          errors: { body: ["Send no body"] },
        });
      }
      const searchParams = url.search === "" ? [] : [...url.searchParams];
      const params = parseSearch(
        spec.params,
        searchParams.filter(([name]) => paramNames.has(name)),
        "params",
      );
      const query = parseSearch(
        spec.query,
        searchParams.filter(([name]) => !paramNames.has(name)),
        "query",
      );
      const body = spec.body && !spec.rawBody ? parseInput(spec.body, json, "body") : undefined;
      if (keyedByBody) {
        Object.assign(
          limitHeaders,
          await applyRateLimits(rules, "after-body", { ip, caller, body }),
        );
      }

      // Guests' endpoints read with the anon key; webhooks and signed-in-only ones never do.
      const servesGuests = !requiresCredentials(spec.auth) && !spec.rawBody;
      const db = new HandlerDatabases(caller, {
        user: caller && (await loadUserClient()).userClient,
        anon: servesGuests ? (await loadAnonClient()).anonClient : undefined,
        service: spec.privileged ? (await loadServiceClient()).serviceClient : undefined,
      });
      const context = new RequestContext(
        request.headers,
        requestId,
        ip,
        params,
        query,
        body,
        rawBody,
        caller,
        request.headers.get("idempotency-key") ?? undefined,
        db,
      ) as unknown as HandlerContext<never, never, never, never, never>;

      const response = spec.idempotency
        ? await (await loadIdempotency()).withIdempotency(
            request,
            {
              required: spec.idempotency === "required",
              shownOnce: spec.shownOnce,
              scope: caller?.userId ?? `ip:${ip}`,
              rawBody,
            },
            () => respond(handler, context, contract),
          )
        : await respond(handler, context, contract);
      for (const [name, value] of Object.entries(limitHeaders)) response.headers.set(name, value);
      return { response, ...(caller && { caller }) };
    },
  };
}

/** The handler's answer as a Response; what it throws, with a deleted account's failures as 401. */
async function respond(
  handler: (context: never) => Promise<unknown>,
  context: HandlerContext<never, never, never, never, never>,
  contract: Endpoint["spec"],
): Promise<Response> {
  try {
    return toResponse(await handler(context as never), contract);
  } catch (error) {
    // A deleted account's token still verifies; what it does then fails: 401, not 500.
    const { caller } = context;
    throw caller ? await (await loadDeletedAccount()).unlessAccountDeleted(error, caller) : error;
  }
}

async function authorize(request: Request, auth: AuthRequirement): Promise<Caller | undefined> {
  if (auth === "public") return undefined;
  if (auth === "cron") {
    (await loadCronSecret()).requireCronSecret(request);
    return undefined;
  }
  const caller = await (await loadAuth()).authenticate(request);
  if (auth === "optional") return caller;
  if (!caller)
    throw new ApiError("unauthorized", "Sign in and send the access token as a Bearer token.");
  if (auth !== "user" && !hasAnyRole(caller, auth)) {
    throw new ApiError("forbidden", "Your account does not have the role this needs.");
  }
  return caller;
}

function toResponse(result: unknown, spec: Endpoint["spec"]): Response {
  if (result instanceof Response) return result;
  if (!spec.response) return new Response(null, { status: 204 });
  const parsed = spec.response.safeParse(result);
  if (!parsed.success) {
    // The handler broke its own contract: a bug on our side, never the caller's.
    throw new Error(`response does not match the endpoint's schema: ${parsed.error.message}`);
  }
  return Response.json(parsed.data, { status: spec.status ?? 200 });
}

/**
 * Params or query: validated by the endpoint's schema, or, when it declares none, required to be
 * absent. Nothing declared and nothing sent (most requests) needs no parse.
 */
function parseSearch(
  schema: AnyObject | undefined,
  entries: [string, string][],
  location: "params" | "query",
): Record<string, unknown> {
  if (!schema && entries.length === 0) return {};
  return parseInput(schema ?? NO_INPUT, Object.fromEntries(entries), location);
}

function shapeOf(schema: z.ZodType | undefined): Record<string, unknown> {
  return schema instanceof z.ZodObject ? schema.shape : {};
}
