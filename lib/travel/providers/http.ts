// The one way the flight adapters call their providers: fetch with a time limit, gzip asked
// for (fetch decompresses it), JSON in and out, and errors that name the endpoint and status
// only — never the key, a body, or a traveller.
import { log } from "../../log.js";
import type { FlightProviderName } from "../offer.js";
import { FlightProviderError } from "./types.js";

/** A search waits on the airlines behind the provider; longer than this is not worth waiting. */
const TIMEOUT_MS = 20_000;

export async function providerJson(
  provider: FlightProviderName,
  endpoint: string,
  url: string,
  init: { method?: "GET" | "POST"; headers: Record<string, string>; body?: unknown },
): Promise<{ status: number; json: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? "GET",
      headers: {
        accept: "application/json",
        "accept-encoding": "gzip",
        ...init.headers,
        ...(init.body !== undefined && { "content-type": "application/json" }),
      },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    log.warn("flight_provider_unreachable", { provider, endpoint, error });
    throw new FlightProviderError(provider, endpoint, 0);
  }
  const json = await response.json().catch(() => undefined);
  return { status: response.status, json };
}
