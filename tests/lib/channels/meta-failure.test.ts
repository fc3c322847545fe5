// Meta's Send API errors in our words (lib/channels/meta.ts): which answers mean the token is
// gone (needs_reconnect), the 24-hour window closed, the person unreachable, slow down, or down.
import { describe, expect, it } from "vitest";
import { metaFailure } from "../../../lib/channels/meta.js";

const error = (code: number, subcode?: number) => ({
  error: {
    message: "(#x) whatever Meta says",
    type: "OAuthException",
    code,
    error_subcode: subcode,
  },
});

describe("metaFailure", () => {
  it.each([
    [400, error(190, 460), "token_invalid"],
    [400, error(190), "token_invalid"],
    [400, error(10, 2018278), "outside_window"],
    [400, error(10, 2534022), "outside_window"],
    [400, error(551, 1545041), "recipient_unavailable"],
    [400, error(100, 2018001), "recipient_unavailable"],
    [400, error(613), "rate_limited"],
    [429, {}, "rate_limited"],
    [500, error(2), "unavailable"],
    [503, {}, "unavailable"],
    [400, error(100), "refused"],
    [400, "not json", "refused"],
  ] as const)("%i %j → %s", (status, body, expected) => {
    expect(metaFailure(status, body)).toBe(expected);
  });
});
