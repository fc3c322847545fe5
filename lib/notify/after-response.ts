// Work that must not hold up the response it follows (delivering the notifications a request
// just enqueued). On Vercel, waitUntil keeps the function alive until the promise settles; off
// Vercel (the dev server, tests) there is no request context and the promise simply runs on in
// the process. Either way a failure is logged, never thrown: the response has already gone.
//
// The task runs marked as after-response work (an AsyncLocalStorage every promise it starts
// inherits), so the round-trip counter of the tests (tests/helpers/round-trips.ts) counts its
// requests apart from the ones the client waits for, even those it starts before the response
// is out. The marker is kept in the global symbol registry because the dev server loads lib/
// afresh for each generation of functions, and the counter must find the same one.
import { AsyncLocalStorage } from "node:async_hooks";
import { waitUntil } from "@vercel/functions";
import { log } from "../log.js";

const AFTER_RESPONSE = Symbol.for("bastion.after-response-work");
const registry = globalThis as { [AFTER_RESPONSE]?: AsyncLocalStorage<true> };
registry[AFTER_RESPONSE] ??= new AsyncLocalStorage<true>();
const marker = registry[AFTER_RESPONSE];

export function afterResponse(task: () => Promise<unknown>): void {
  waitUntil(
    marker
      .run(true, async () => task())
      .catch((error: unknown) => {
        log.error("after_response_failed", { error });
      }),
  );
}
