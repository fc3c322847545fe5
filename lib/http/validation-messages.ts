// The words of a 400 validation_failed, for the person who typed the value as much as for the
// developer who sent it: "This field is required." instead of zod's "Too small: expected string
// to have >=1 characters", "Enter an email address, such as name@example.com." instead of
// "Invalid email address". parseInput passes this as the parse's error map, so it covers every
// endpoint; a message a schema sets itself (`.min(1, "Enter the client's name")`) still wins.
import type * as z from "zod";

type Issue = z.core.$ZodRawIssue;

export const REQUIRED_MESSAGE = "This field is required.";

const FORMAT_MESSAGES: Record<string, string> = {
  email: "Enter an email address, such as name@example.com.",
  uuid: "Must be an id in UUID form, such as 3f6c2a1e-8b4d-4c7a-9e21-5d0b7f3a9c64.",
  guid: "Must be an id in UUID form, such as 3f6c2a1e-8b4d-4c7a-9e21-5d0b7f3a9c64.",
  date: "Enter a date as YYYY-MM-DD.",
  datetime: "Must be a date and time in ISO 8601 form, as YYYY-MM-DDTHH:MM:SSZ.",
  time: "Enter a time as HH:MM.",
  url: "Must be a full address starting with https://.",
  e164: "Enter the number with + and the country code, such as +91 98765 43210.",
  jwt: "Must be a token as the API issued it.",
};

const TYPE_NAMES: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "an object",
  array: "a list",
  null: "null",
};

/** A message for the issue, or undefined to keep zod's (for issues this does not know). */
export function validationMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return REQUIRED_MESSAGE;
      if (issue.expected === "int" && typeof issue.input === "number") {
        return "Must be a whole number.";
      }
      return `Must be ${TYPE_NAMES[issue.expected] ?? issue.expected} (not ${describe(issue.input)}).`;
    case "too_small":
      return tooSmall(issue);
    case "too_big":
      return tooBig(issue);
    case "invalid_format":
      return invalidFormat(issue);
    case "invalid_value":
      return issue.values.length === 1
        ? `Must be ${JSON.stringify(issue.values[0])}.`
        : `Choose one of: ${issue.values.map((value) => String(value)).join(", ")}.`;
    case "not_multiple_of":
      return `Must be a multiple of ${String(issue.divisor)}.`;
    case "invalid_union":
      return "This value is not one of the accepted forms.";
    case "invalid_key":
      return "Contains a key that is not accepted.";
    case "invalid_element":
      return "Contains an item that is not accepted.";
    default:
      return undefined;
  }
}

function tooSmall(issue: Extract<Issue, { code: "too_small" }>): string | undefined {
  const minimum = Number(issue.minimum);
  switch (issue.origin) {
    case "string":
      return minimum <= 1 ? REQUIRED_MESSAGE : `Use at least ${minimum} characters.`;
    case "array":
    case "set":
      return minimum <= 1 ? "Choose at least one." : `Choose at least ${minimum}.`;
    case "number":
    case "int":
    case "bigint":
      return issue.inclusive ? `Must be at least ${minimum}.` : `Must be more than ${minimum}.`;
    default:
      return undefined;
  }
}

function tooBig(issue: Extract<Issue, { code: "too_big" }>): string | undefined {
  const maximum = Number(issue.maximum);
  switch (issue.origin) {
    case "string":
      return `Use at most ${maximum} characters.`;
    case "array":
    case "set":
      return `Choose at most ${maximum}.`;
    case "number":
    case "int":
    case "bigint":
      return issue.inclusive ? `Must be at most ${maximum}.` : `Must be less than ${maximum}.`;
    default:
      return undefined;
  }
}

function invalidFormat(issue: Extract<Issue, { code: "invalid_format" }>): string {
  const known = FORMAT_MESSAGES[issue.format];
  if (known) return known;
  if ("prefix" in issue && typeof issue.prefix === "string") {
    return `Must start with "${issue.prefix}".`;
  }
  if ("suffix" in issue && typeof issue.suffix === "string") {
    return `Must end with "${issue.suffix}".`;
  }
  if ("includes" in issue && typeof issue.includes === "string") {
    return `Must contain "${issue.includes}".`;
  }
  // A pattern only the schema knows the meaning of: say so, and show it to the developer.
  if (issue.format === "regex" && issue.pattern) {
    return `Not in the form this field takes (${issue.pattern}).`;
  }
  return `Not a valid ${issue.format}.`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  switch (typeof value) {
    case "string":
      return "text";
    case "number":
      return Number.isInteger(value) ? "a whole number" : "a number";
    case "boolean":
      return String(value);
    case "object":
      return "an object";
    default:
      return typeof value;
  }
}
