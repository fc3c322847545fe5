// Counts the round trips each API request makes: every outgoing HTTP request a function makes
// while serving one request — to the Supabase API (SUPABASE_URL: PostgREST and Auth), to Redis
// (UPSTASH_REDIS_REST_URL; a pipeline or a MULTI is one request) and to anything else (the
// providers, or the network-level fakes standing in for them) — attributed to that request.
//
// How: the dev server runs each function invocation inside its own request context
// (dev/vercel/request-context.ts, an AsyncLocalStorage, as Vercel's is), which every promise the
// function starts inherits, its waitUntil work included. Node's own diagnostics channels announce
// each outgoing request — `undici:request:create` for fetch (supabase-js, @upstash/redis, jose),
// `http.client.request.start` for node:http (the Stripe and Razorpay SDKs) — synchronously, in
// the caller's context, so the counter reads the invocation there. Requests the tests make
// themselves, or the local stack's servers make, run in no invocation and are not counted.
//
// Counted separately: what the function does for its response (what the client waits for) and
// the work it hands to waitUntil (lib/notify/after-response.ts marks it: delivering the
// notifications a write queued, which starts before the response is out) or does after it.
// Left out: the Auth server's signing keys (/auth/v1/.well-known/jwks.json), which an instance
// fetches once and keeps, so a count is the same for every call of a warm instance.
//
// `sequential` is the depth of each call's chain for one destination: how many times a request
// started while none to that destination was in flight — three reads side by side are one.
import diagnostics from "node:diagnostics_channel";
import { currentInvocation } from "../../dev/vercel/request-context.js";

export type Destination = "database" | "redis" | "providers";
export const DESTINATIONS: readonly Destination[] = ["database", "redis", "providers"];

export type Counts = Record<Destination, number>;

export interface CountedRequest {
  id: string;
  method: string;
  path: string;
  /** The api/ file that served it. */
  functionName: string;
  /** Before the response was returned. */
  requests: Counts;
  /** Sequential groups among `requests` (side-by-side requests are one group). */
  sequential: Counts;
  /** After the response, in waitUntil work. */
  afterResponse: Counts;
  /** Each outgoing request, in order: "before database POST /rest/v1/rpc/create_booking". */
  log: string[];
}

export interface RoundTripCounter {
  /** Every API request seen since the last take(), in the order they arrived; then forgets them. */
  take(): CountedRequest[];
  stop(): void;
}

const zero = (): Counts => ({ database: 0, redis: 0, providers: 0 });

const JWKS_PATH = /\/\.well-known\/jwks\.json$/;

/** lib/notify/after-response.ts marks the work it hands to waitUntil with this. */
const AFTER_RESPONSE = Symbol.for("bastion.after-response-work");
const inAfterResponseWork = () =>
  (globalThis as { [AFTER_RESPONSE]?: { getStore(): unknown } })[AFTER_RESPONSE]?.getStore() ===
  true;

/** Starts counting; the destinations are read from the environment when each request starts. */
export function startRoundTripCounter(): RoundTripCounter {
  let counted = new Map<string, CountedRequest>();
  const inFlight = new Map<string, Map<Destination, Set<object>>>();

  const destinationOf = (origin: string): Destination => {
    const sameOrigin = (setting: string | undefined) =>
      setting !== undefined && new URL(setting).origin === origin;
    if (sameOrigin(process.env.SUPABASE_URL)) return "database";
    if (sameOrigin(process.env.UPSTASH_REDIS_REST_URL)) return "redis";
    return "providers";
  };

  const started = (handle: object, origin: string, method: string, path: string) => {
    const invocation = currentInvocation();
    if (!invocation || JWKS_PATH.test(path.split("?")[0] ?? "")) return;
    let entry = counted.get(invocation.id);
    if (!entry) {
      entry = {
        id: invocation.id,
        method: invocation.method,
        path: invocation.path,
        functionName: invocation.functionName,
        requests: zero(),
        sequential: zero(),
        afterResponse: zero(),
        log: [],
      };
      counted.set(invocation.id, entry);
    }
    const destination = destinationOf(origin);
    const after = invocation.responded || inAfterResponseWork();
    entry.log.push(`${after ? "after" : "before"} ${destination} ${method} ${path.split("?")[0]}`);
    if (after) {
      entry.afterResponse[destination] += 1;
      return;
    }
    entry.requests[destination] += 1;
    let flights = inFlight.get(invocation.id);
    if (!flights) {
      flights = new Map();
      inFlight.set(invocation.id, flights);
    }
    let open = flights.get(destination);
    if (!open) {
      open = new Set();
      flights.set(destination, open);
    }
    if (open.size === 0) entry.sequential[destination] += 1;
    open.add(handle);
    finishers.set(handle, () => open.delete(handle));
  };
  const finishers = new WeakMap<object, () => void>();
  const finished = (handle: object) => finishers.get(handle)?.();

  interface UndiciRequest {
    origin: string | URL;
    method: string;
    path: string;
  }
  const onFetch = (message: unknown) => {
    const { request } = message as { request: UndiciRequest };
    started(request, String(new URL(String(request.origin)).origin), request.method, request.path);
  };
  const onFetchEnd = (message: unknown) => finished((message as { request: object }).request);
  interface NodeClientRequest {
    protocol: string;
    host: string;
    method: string;
    path: string;
    getHeader(name: string): unknown;
  }
  const onHttp = (message: unknown) => {
    const { request } = message as { request: NodeClientRequest };
    const host = String(request.getHeader("host") ?? request.host);
    started(request, `${request.protocol}//${host}`, request.method, request.path);
  };
  const onHttpEnd = (message: unknown) => finished((message as { request: object }).request);

  const subscriptions: [string, (message: unknown) => void][] = [
    ["undici:request:create", onFetch],
    ["undici:request:trailers", onFetchEnd],
    ["undici:request:error", onFetchEnd],
    ["http.client.request.start", onHttp],
    ["http.client.response.finish", onHttpEnd],
  ];
  for (const [channel, listener] of subscriptions) diagnostics.subscribe(channel, listener);

  return {
    take() {
      const taken = [...counted.values()];
      counted = new Map();
      inFlight.clear();
      return taken;
    },
    stop() {
      for (const [channel, listener] of subscriptions) diagnostics.unsubscribe(channel, listener);
    },
  };
}
