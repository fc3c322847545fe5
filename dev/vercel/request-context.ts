// What Vercel gives every function invocation and @vercel/functions reads: a request context with
// waitUntil, which keeps the function alive until work started after the response (delivering
// notifications) has settled. The dev server provides the same, so that work runs here as there,
// and closing the server waits for it instead of cutting it off mid-way (or, in tests, letting it
// log after the test file has ended).
//
// As on Vercel, the context is per invocation (an AsyncLocalStorage the dev server enters around
// each function call), so whatever a function does — including what it hands to waitUntil — can
// be tied to the request that started it: tests/helpers/round-trips.ts counts the requests each
// invocation makes to the database API, Redis and providers this way.
import { AsyncLocalStorage } from "node:async_hooks";

const REQUEST_CONTEXT = Symbol.for("@vercel/request-context");

/** One function invocation: the request it serves, and whether its response has been returned. */
export interface Invocation {
  /** The x-vercel-id the platform gave the request. */
  id: string;
  method: string;
  /** The path the client requested (before rewrites), e.g. /api/bookings/123. */
  path: string;
  /** The api/ file that serves it, e.g. api/bookings/[id].ts. */
  functionName: string;
  /** Set once the function has returned its Response; work after that is waitUntil work. */
  responded: boolean;
}

const invocations = new AsyncLocalStorage<Invocation>();
/** Invocations under way and tasks handed to waitUntil: the work `settleWork` waits for. */
const pending = new Set<Promise<unknown>>();
/** How many of those have ever started, so a caller can tell whether new work began meanwhile. */
let started = 0;

function track(promise: Promise<unknown>): void {
  const tracked = promise.then(
    () => undefined,
    () => undefined,
  );
  pending.add(tracked);
  started += 1;
  void tracked.finally(() => pending.delete(tracked));
}

function waitUntil(promise: Promise<unknown>): void {
  track(promise);
}

/** Installs the context for this process's functions (idempotent). */
export function installRequestContext(): void {
  (globalThis as Record<symbol, unknown>)[REQUEST_CONTEXT] = { get: () => ({ waitUntil }) };
}

/** Runs one function invocation inside its context; marks it responded when `call` resolves. */
export async function runInvocation<T>(
  invocation: Omit<Invocation, "responded">,
  call: () => Promise<T>,
): Promise<T> {
  const context: Invocation = { ...invocation, responded: false };
  const running = invocations.run(context, call);
  track(running);
  try {
    return await running;
  } finally {
    context.responded = true;
  }
}

/** The invocation the calling code runs in (its own work or its waitUntil work), if any. */
export function currentInvocation(): Invocation | undefined {
  return invocations.getStore();
}

/**
 * Resolves once every invocation under way and every task handed to waitUntil, and those they
 * start, has settled.
 */
export async function settleWork(): Promise<void> {
  while (pending.size > 0) await Promise.all(pending);
}

/** How many invocations and waitUntil tasks have started so far in this process. */
export function workStarted(): number {
  return started;
}
