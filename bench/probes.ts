// The one request each function answers in a cold start, and what its answer must be. The
// functions run with no Supabase and no Upstash settings, so nothing here needs the network.
// A function without its own probe gets a GET and must answer it without a 500: a 401, 405 or
// 503 provider_not_configured still proves the built function loads and answers.

import { BENCH_HOST } from "./deployment-settings.js";

export interface ProbeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Probe {
  method: string;
  path: string;
  /** What is wrong with the response; undefined when it is what the function should answer. */
  check(response: ProbeResponse): string | undefined;
}

/** Headers as the platform sends them (the request id, the client IP, the original scheme). */
export const PLATFORM_HEADERS = {
  host: BENCH_HOST,
  "x-forwarded-proto": "https",
  "x-forwarded-host": BENCH_HOST,
  "x-real-ip": "203.0.113.7",
  "x-vercel-id": "dev1::bench-cold-start",
};

const KNOWN: Record<string, Omit<Probe, "path">> = {
  "api/bare": {
    method: "GET",
    check: (response) => expectJson(response, 200, (body) => body.ok === true),
  },
  "api/health": {
    method: "GET",
    check: (response) =>
      expectJson(
        response,
        200,
        (body) =>
          body.checks?.database === "not_configured" &&
          body.checks?.cache === "not_configured" &&
          body.checks?.configuration === "ok",
      ),
  },
  "api/openapi.json": {
    method: "GET",
    check: (response) => expectJson(response, 200, (body) => body.openapi === "3.1.0"),
  },
};

export function probeFor(functionName: string): Probe {
  // A dynamic segment ([id]) reaches the function as a path segment and a query parameter.
  const params = [...functionName.matchAll(/\[([^\]]+)\]/g)].map((match) => match[1] as string);
  const value = "00000000-0000-4000-8000-000000000000";
  const path = `/${functionName.replace(/\[[^\]]+\]/g, value)}`;
  const query = params.map((name) => `${encodeURIComponent(name)}=${value}`).join("&");
  const known = KNOWN[functionName];
  return {
    method: known?.method ?? "GET",
    path: query ? `${path}?${query}` : path,
    check:
      known?.check ??
      ((response) =>
        response.status === 500 || response.status > 503
          ? `answered ${response.status}: ${response.body.slice(0, 300)}`
          : undefined),
  };
}

function expectJson(
  response: ProbeResponse,
  status: number,
  // biome-ignore lint/suspicious/noExplicitAny: a probe reads a few fields of any JSON body
  matches: (body: any) => boolean,
): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return `answered ${response.status} with a body that is not JSON: ${response.body.slice(0, 300)}`;
  }
  if (response.status !== status || !matches(body)) {
    return `answered ${response.status} ${response.body.slice(0, 300)}`;
  }
  return undefined;
}
