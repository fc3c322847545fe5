// Vercel Cron calls each scheduled path with `Authorization: Bearer $CRON_SECRET`. Cron endpoints
// act for nobody in particular and use the service client, so this header is all that stands
// between the internet and them: compared in constant time (over digests, so the lengths leak
// nothing either), and without CRON_SECRET configured they refuse to run at all.
import { createHash, timingSafeEqual } from "node:crypto";
import { requireConfig } from "../env.js";
import { ApiError } from "../http/errors.js";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Passes for the scheduler; 401 unauthorized for anyone else, 503 when no secret is set. */
export function requireCronSecret(request: Request): void {
  const { CRON_SECRET } = requireConfig("Scheduled jobs", "CRON_SECRET");
  const presented = request.headers.get("authorization") ?? "";
  if (!timingSafeEqual(digest(presented), digest(`Bearer ${CRON_SECRET}`))) {
    throw new ApiError("unauthorized", "Scheduled jobs are run by the scheduler only.");
  }
}
