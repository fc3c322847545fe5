// Input validation with zod: one 400 validation_failed listing every field's messages, keyed by
// the field's dotted path (body fields bare, "query.x" and "params.x" for the others).
import type { z } from "zod";
import { ApiError, type FieldErrors } from "./errors.js";

export type InputLocation = "body" | "query" | "params";

export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  location: InputLocation,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const path = [...(location === "body" ? [] : [location]), ...issue.path.map(String)];
    const field = path.join(".") || location;
    const message = issue.code === "unrecognized_keys" ? unknownKeysMessage(issue) : issue.message;
    errors[field] = [...(errors[field] ?? []), message];
  }
  throw new ApiError("validation_failed", "Some fields are missing or not valid.", { errors });
}

function unknownKeysMessage(issue: z.core.$ZodIssue): string {
  const keys = "keys" in issue && Array.isArray(issue.keys) ? issue.keys.join(", ") : "";
  return `Unknown field${keys.includes(",") ? "s" : ""}: ${keys}`;
}
