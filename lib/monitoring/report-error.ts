// Error tracking with Sentry (@sentry/node), for unhandled errors and 5xx answers. Only where
// SENTRY_DSN is set, and only when there is something to report: the SDK costs hundreds of
// milliseconds to import (README, Operations), so it is loaded on the first report, after the
// response (waitUntil), never at a cold start and never on a request that succeeds.
//
// What leaves: the error's type and message and its stack, through the log redaction
// (lib/log.ts: tokens, emails, phone and card numbers, `secret=…`), with the request id, the
// route (ids replaced by :id), the method, the status and the release. Nothing else: no request
// (headers, cookies, body, query), no user, no breadcrumbs, no local variables, no host name.
import type { ErrorEvent } from "@sentry/node";
import { env } from "../env.js";
import { log, redact } from "../log.js";
import { afterResponse } from "../notify/after-response.js";
import { appVersion } from "../platform/version.js";

export interface FailedRequest {
  requestId: string;
  method: string;
  path: string;
  status: number;
}

const FLUSH_MS = 2_000;

type Sentry = typeof import("@sentry/node");
let loading: Promise<Sentry> | undefined;

function sentry(dsn: string): Promise<Sentry> {
  loading ??= import("@sentry/node").then((sdk) => {
    sdk.initWithoutDefaultIntegrations({
      dsn,
      release: appVersion(),
      environment: env().VERCEL_ENV ?? "development",
      integrations: [],
      dataCollection: {
        userInfo: false,
        cookies: false,
        httpHeaders: false,
        httpBodies: [],
        urlQueryParams: false,
      },
      maxBreadcrumbs: 0,
      includeLocalVariables: false,
      includeServerName: false,
      enableOpenTelemetrySetup: false,
      enableRuntimeChannelInjection: false,
      beforeSend: scrub,
    });
    return sdk;
  });
  return loading;
}

/** /api/bookings/0b0e…/cancel → /api/bookings/:id/cancel: the route, not whose row. */
export const routeOf = (path: string) =>
  path.replace(
    /\/(?:[0-9a-f]{8}-[0-9a-f-]{27}|\d+|(?:pay|order|pi|evt|re|cs)_[\w-]+)(?=\/|$)/gi,
    "/:id",
  );

/** Reports an unhandled error or a 5xx answer after the response; never throws. */
export function reportServerError(error: unknown, request: FailedRequest): void {
  const dsn = env().SENTRY_DSN;
  if (dsn === undefined) return;
  afterResponse(async () => {
    try {
      const sdk = await sentry(dsn);
      const tags = {
        requestId: request.requestId,
        route: routeOf(request.path),
        method: request.method,
        status: String(request.status),
      };
      if (error instanceof Error) sdk.captureException(error, { tags });
      else sdk.captureMessage(`${request.status} answered`, { level: "error", tags });
      await sdk.flush(FLUSH_MS);
    } catch (failure) {
      log.warn("error_report_failed", { error: failure });
    }
  });
}

/** Keeps only what the header comment lists, each string through the log redaction. */
export function scrub(event: ErrorEvent): ErrorEvent {
  const text = (value: string | undefined) =>
    value === undefined ? undefined : String(redact(value));
  return {
    ...event,
    request: undefined,
    user: undefined,
    breadcrumbs: undefined,
    extra: undefined,
    server_name: undefined,
    contexts: event.contexts?.runtime ? { runtime: event.contexts.runtime } : undefined,
    message: text(event.message),
    exception: event.exception && {
      values: event.exception.values?.map((value) => ({
        ...value,
        value: text(value.value),
        stacktrace: value.stacktrace && {
          frames: value.stacktrace.frames?.map((frame) => ({
            filename: frame.filename,
            function: frame.function,
            lineno: frame.lineno,
            colno: frame.colno,
            in_app: frame.in_app,
          })),
        },
      })),
    },
  };
}
