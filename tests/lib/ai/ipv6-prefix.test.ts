// A visitor's AI budget counts an IPv6 address by its /64: one host (a cloud VM, a home router)
// holds a whole /64, so rotating through it must not give it more budget.
import { describe, expect, it } from "vitest";
import { ipv6Prefix64 } from "../../../lib/ai/budget.js";

describe("ipv6Prefix64", () => {
  it.each([
    ["2001:db8:1:2::1", "2001:db8:1:2"],
    ["2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2"],
    ["2001:0DB8:0001:0002:0:0:0:9", "2001:db8:1:2"],
    ["2001:db8::1", "2001:db8:0:0"],
    ["::1", "0:0:0:0"],
    ["fe80::", "fe80:0:0:0"],
  ])("%s is in the /64 %s", (address, prefix) => {
    expect(ipv6Prefix64(address)).toBe(prefix);
  });
});
