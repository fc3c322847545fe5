// A secret shown once (a guest's manage token) is answered to the request that made it and never
// kept: the hash is all the database holds, and an Idempotency-Key replay must not be a second
// way to read it. This is what is kept for replays instead: the response without the named
// fields, and without their values anywhere else in it — a URL carrying one in its fragment
// (`/bookings/<id>#token=…`) loses the fragment, any other string carrying one is dropped, and
// so is a header carrying one.
import type { StoredResponse } from "../idempotency/store.js";

export function withoutShownOnce(
  response: StoredResponse,
  fields: readonly string[],
): StoredResponse {
  const body = parsedObject(response.body);
  if (body === undefined || !fields.some((field) => field in body)) return response;
  const secrets: string[] = [];
  for (const field of fields) {
    const value = body[field];
    if (typeof value === "string" && value !== "") secrets.push(value);
    delete body[field];
  }
  if (secrets.length === 0) return { ...response, body: JSON.stringify(body) };
  const carries = (text: string) => secrets.some((secret) => text.includes(secret));
  return {
    status: response.status,
    headers: Object.fromEntries(
      Object.entries(response.headers).filter(([, value]) => !carries(value)),
    ),
    body: JSON.stringify(scrubbed(body, carries)),
  };
}

function parsedObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `value` with every string that carries a secret fixed (a URL's fragment) or left out. */
function scrubbed(value: unknown, carries: (text: string) => boolean): unknown {
  if (typeof value === "string") return carries(value) ? withoutFragment(value, carries) : value;
  if (Array.isArray(value)) {
    return value.map((item) => scrubbed(item, carries)).filter((item) => item !== undefined);
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([key, item]) => [key, scrubbed(item, carries)]);
    return Object.fromEntries(entries.filter(([, item]) => item !== undefined));
  }
  return value;
}

function withoutFragment(text: string, carries: (text: string) => boolean): string | undefined {
  if (!URL.canParse(text)) return undefined;
  const url = new URL(text);
  url.hash = "";
  return carries(url.href) ? undefined : url.href;
}
