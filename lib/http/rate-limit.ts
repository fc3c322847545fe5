// Which rate limits apply to a request, and on what key. A policy keyed by ip or user is checked
// before the body is read; a custom key (an email, a destination phone number) comes from the
// validated body and is checked after it.
import type { Caller } from "../auth/caller.js";
import { enforceRateLimit } from "../limits/limiter.js";
import { RATE_LIMIT_POLICIES, type RateLimitPolicyName } from "../limits/policies.js";

export type RateLimitRule<Body> =
  | RateLimitPolicyName
  | { policy: RateLimitPolicyName; key: (body: Body) => string | undefined };

interface Subject {
  ip: string;
  caller: Caller | undefined;
  body: unknown;
}

export async function applyRateLimits(
  rules: readonly RateLimitRule<never>[],
  stage: "before-body" | "after-body",
  subject: Subject,
): Promise<Record<string, string>> {
  let headers: Record<string, string> = {};
  for (const rule of rules) {
    const custom = typeof rule !== "string";
    if (custom !== (stage === "after-body")) continue;
    const policy = custom ? rule.policy : rule;
    const key = custom ? rule.key(subject.body as never) : keyFor(policy, subject);
    if (key === undefined) continue;
    headers = await enforceRateLimit(policy, key);
  }
  return headers;
}

function keyFor(policy: RateLimitPolicyName, subject: Subject): string {
  switch (RATE_LIMIT_POLICIES[policy].key) {
    case "user":
      return subject.caller ? `user:${subject.caller.userId}` : `ip:${subject.ip}`;
    case "ip":
      return `ip:${subject.ip}`;
    default:
      throw new Error(`rate limit policy ${policy} needs a key function in the endpoint spec`);
  }
}
