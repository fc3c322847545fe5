// A 400 validation_failed speaks to the person who typed the value: no "Too small: expected
// string to have >=1 characters" or "Invalid email address" in `errors`, for any endpoint's
// schema; a message a schema sets itself still wins.
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { ApiError } from "../../../lib/http/errors.js";
import { parseInput } from "../../../lib/http/validation.js";
import { REQUIRED_MESSAGE } from "../../../lib/http/validation-messages.js";
import { SettingsWrite } from "../../../lib/settings/schemas.js";

function fieldErrors(schema: z.ZodType, value: unknown): Record<string, string[]> {
  try {
    parseInput(schema, value, "body");
  } catch (error) {
    if (error instanceof ApiError) return error.options.errors ?? {};
    throw error;
  }
  throw new Error("the value was accepted");
}

const ZOD_WORDING =
  /Too small|Too big|Invalid (input|email|string|option|ISO|UUID)|expected \w+, received/;

describe("validation messages", () => {
  const Account = z.strictObject({
    email: z.email().max(254),
    password: z.string().min(1).max(1024),
    fullName: z.string().trim().min(1).max(200),
    nickname: z.string().min(3).max(5),
    age: z.number().int().min(18),
    day: z.iso.date(),
    id: z.uuid(),
    tier: z.enum(["free", "pro"]),
    code: z.string().regex(/^[A-Z]{3}$/),
    named: z.string().min(1, "Enter the client's name"),
  });

  it("says what to do, in words, for every kind of mistake", () => {
    const errors = fieldErrors(Account, {
      email: "not an address",
      password: "",
      fullName: "   ",
      nickname: "toolong",
      age: 17.5,
      day: "1 December",
      id: "42",
      tier: "gold",
      code: "inr",
      named: "",
    });
    expect(errors).toEqual({
      email: ["Enter an email address, such as name@example.com."],
      password: [REQUIRED_MESSAGE],
      fullName: [REQUIRED_MESSAGE],
      nickname: ["Use at most 5 characters."],
      age: ["Must be a whole number."],
      day: ["Enter a date as YYYY-MM-DD."],
      id: [expect.stringMatching(/^Must be an id in UUID form/)],
      tier: ["Choose one of: free, pro."],
      code: ["Not in the form this field takes (/^[A-Z]{3}$/)."],
      // The schema's own message is kept.
      named: ["Enter the client's name"],
    });
    for (const message of Object.values(errors).flat()) expect(message).not.toMatch(ZOD_WORDING);
  });

  it("calls a missing field required, and a wrong type by name", () => {
    expect(fieldErrors(Account.pick({ email: true, age: true }), { age: "18" })).toEqual({
      email: [REQUIRED_MESSAGE],
      age: ["Must be a number (not text)."],
    });
    expect(fieldErrors(Account.pick({ nickname: true }), { nickname: "ab" })).toEqual({
      nickname: ["Use at least 3 characters."],
    });
  });

  it("calls a settings write without its document required, not 'A undefined is not JSON'", () => {
    expect(fieldErrors(SettingsWrite, { baseVersion: 0, schemaVersion: 1 })).toEqual({
      data: [REQUIRED_MESSAGE],
    });
  });
});
