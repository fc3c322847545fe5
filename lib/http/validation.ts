// Input validation with zod: one 400 validation_failed listing every field's messages, keyed by
// the field's dotted path (body fields bare, "query.x" and "params.x" for the others).
//
// Before any schema runs, every string in the input (object keys included) must be well-formed
// Unicode. JSON.parse turns a "\ud800" escape into a lone UTF-16 surrogate, which no UTF-8
// encoder can write: Postgres, GoTrue and the sealing of personal data each fail on it in their
// own way (500s and 503s). Checking here, in the one validation step every endpoint goes
// through, means no schema and no endpoint can forget it.
import type * as z from "zod";
import { ApiError, type FieldErrors } from "./errors.js";
import { validationMessage } from "./validation-messages.js";

export type InputLocation = "body" | "query" | "params";

/** In a `u` regex a well-formed surrogate pair is one code point, so only lone halves match. */
const LONE_SURROGATE = /\p{Cs}/u;
export const LONE_SURROGATE_MESSAGE =
  "Must be valid Unicode text (it contains an unpaired UTF-16 surrogate)";

export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  location: InputLocation,
): z.infer<T> {
  refuseLoneSurrogates(value, location);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // Only a failing input needs our messages, so it is parsed again with them: a per-parse error
  // map takes zod off its compiled fast path (a valid body parses ~3× slower with one).
  const explained = schema.safeParse(value, { error: validationMessage });
  const { issues } = (explained.success ? result : explained).error;
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = fieldName(location, issue.path);
    const message = issue.code === "unrecognized_keys" ? unknownKeysMessage(issue) : issue.message;
    errors[field] = [...(errors[field] ?? []), message];
  }
  throw new ApiError("validation_failed", "Some fields are missing or not valid.", { errors });
}

function fieldName(location: InputLocation, path: readonly PropertyKey[]): string {
  return [...(location === "body" ? [] : [location]), ...path.map(String)].join(".") || location;
}

/** A place in the input: its key and the place that holds it (paths are built only to report). */
interface Place {
  key: PropertyKey;
  parent: Place | undefined;
}

function pathOf(place: Place | undefined): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let at = place; at !== undefined; at = at.parent) path.unshift(at.key);
  return path;
}

/**
 * Walks the parsed input without recursion (a 64 KB body can nest arrays 30,000 deep) and
 * refuses it, naming each field that holds a lone surrogate; a key holding one is reported on
 * the object that has it.
 */
function refuseLoneSurrogates(value: unknown, location: InputLocation): void {
  if (!holdsLoneSurrogate(value)) return;
  const errors: FieldErrors = {};
  const report = (place: Place | undefined) => {
    errors[fieldName(location, pathOf(place))] = [LONE_SURROGATE_MESSAGE];
  };
  const pending: [unknown, Place | undefined][] = [[value, undefined]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, place] = next;
    if (typeof item === "string") {
      if (LONE_SURROGATE.test(item)) report(place);
    } else if (Array.isArray(item)) {
      item.forEach((element, index) => {
        pending.push([element, { key: index, parent: place }]);
      });
    } else if (item !== null && typeof item === "object") {
      for (const [key, child] of Object.entries(item)) {
        if (LONE_SURROGATE.test(key)) report(place);
        pending.push([child, { key, parent: place }]);
      }
    }
  }
  throw new ApiError("validation_failed", "Some fields are not valid text.", { errors });
}

/**
 * The same walk without the bookkeeping: every request's input takes it, and well-formed input
 * (nearly all) needs no places and no report.
 */
function holdsLoneSurrogate(value: unknown): boolean {
  const pending: unknown[] = [value];
  for (let i = 0; i < pending.length; i++) {
    const item = pending[i];
    if (typeof item === "string") {
      if (LONE_SURROGATE.test(item)) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) pending.push(element);
    } else if (item !== null && typeof item === "object") {
      for (const key in item) {
        if (!Object.hasOwn(item, key)) continue;
        if (LONE_SURROGATE.test(key)) return true;
        pending.push((item as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

function unknownKeysMessage(issue: z.core.$ZodIssue): string {
  const keys = "keys" in issue && Array.isArray(issue.keys) ? issue.keys.join(", ") : "";
  return `Unknown field${keys.includes(",") ? "s" : ""}: ${keys}`;
}
