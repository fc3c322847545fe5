// Reading what a GoTrue client sends: a JSON object body, typed fields in it, the Bearer token.
import { AuthError, badRequest } from "./errors.js";

export type JsonObject = Record<string, unknown>;

export async function readJsonBody(request: Request): Promise<JsonObject> {
  const text = await request.text();
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw badRequest(
      "bad_json",
      `Could not parse request body as JSON: ${(error as Error).message}`,
    );
  }
  if (!isJsonObject(body)) throw badRequest("bad_json", "Request body must be a JSON object");
  return body;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// auth-js sends absent options as null (code_challenge: null), so null reads as "not given".

export function stringField(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badRequest("bad_json", `${name} must be a string`);
  return value;
}

export function booleanField(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw badRequest("bad_json", `${name} must be a boolean`);
  return value;
}

export function objectField(body: JsonObject, name: string): JsonObject | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw badRequest("bad_json", `${name} must be a JSON object`);
  return value;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export function bearerToken(request: Request): string {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "");
  if (!match?.[1]) {
    throw new AuthError(401, "no_authorization", "This endpoint requires a Bearer token");
  }
  return match[1];
}
