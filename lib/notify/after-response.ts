// Work that must not hold up the response it follows (delivering the notifications a request
// just enqueued). On Vercel, waitUntil keeps the function alive until the promise settles; off
// Vercel (the dev server, tests) there is no request context and the promise simply runs on in
// the process. Either way a failure is logged, never thrown: the response has already gone.
import { waitUntil } from "@vercel/functions";
import { log } from "../log.js";

export function afterResponse(task: Promise<unknown>): void {
  waitUntil(
    task.catch((error: unknown) => {
      log.error("after_response_failed", { error });
    }),
  );
}
