// What Vercel gives every function invocation and @vercel/functions reads: a request context with
// waitUntil, which keeps the function alive until work started after the response (delivering
// notifications) has settled. The dev server provides the same, so that work runs here as there,
// and closing the server waits for it instead of cutting it off mid-way (or, in tests, letting it
// log after the test file has ended).
const REQUEST_CONTEXT = Symbol.for("@vercel/request-context");

const pending = new Set<Promise<unknown>>();

function waitUntil(promise: Promise<unknown>): void {
  const tracked = promise.then(
    () => undefined,
    () => undefined,
  );
  pending.add(tracked);
  void tracked.finally(() => pending.delete(tracked));
}

/** Installs the context for this process's functions (idempotent). */
export function installRequestContext(): void {
  (globalThis as Record<symbol, unknown>)[REQUEST_CONTEXT] = { get: () => ({ waitUntil }) };
}

/** Resolves once every task handed to waitUntil so far, and those they start, has settled. */
export async function settleWaitUntil(): Promise<void> {
  while (pending.size > 0) await Promise.all(pending);
}
