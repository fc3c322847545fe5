// The daily AI budget: tokens (input and output together) and requests per UTC day, per signed-in
// user by subscription tier (TIER_FEATURES) or per client address for anonymous visitors where an
// endpoint allows them. Counted in Redis, which every instance shares, so the bill is bounded
// whatever the number of warm instances. Before a call the most it can use (the input estimate
// plus the clamped output cap) is reserved; after it, the reservation is settled to what OpenAI
// reports it used (less when the client left early). Over the budget: 429 with Retry-After until
// the next UTC day. Fails closed: with Redis unreachable, or not configured outside the local
// stack (where an in-process counter stands in), the AI endpoints answer 503. Visitors' addresses
// count IPv6 by /64 (one host holds a whole /64), and all visitors together have one daily
// ceiling, so rotating addresses cannot make the bill unbounded.
import { localStackEnabled } from "../env.js";
import { ApiError } from "../http/errors.js";
import { hashIdentifier } from "../limits/hash-identifier.js";
import { log } from "../log.js";
import { redisClient } from "../redis.js";
import { TIER_FEATURES } from "../subscriptions/features.js";
import type { Tier } from "../subscriptions/tiers.js";

/** What an anonymous visitor's address may spend a day (the support chat only). */
export const ANONYMOUS_AI_BUDGET = { aiRequestsPerDay: 10, aiTokensPerDay: 10_000 } as const;

/** What all anonymous visitors together may spend a day. */
export const ALL_VISITORS_AI_BUDGET = {
  aiRequestsPerDay: 2_000,
  aiTokensPerDay: 2_000_000,
} as const;

/** Whose budget a request spends. */
export type BudgetSubject = { userId: string; tier: Tier } | { ip: string };

export interface BudgetLimits {
  aiRequestsPerDay: number;
  aiTokensPerDay: number;
}

export function budgetLimits(subject: BudgetSubject): BudgetLimits {
  return "tier" in subject ? TIER_FEATURES[subject.tier] : ANONYMOUS_AI_BUDGET;
}

/** A reservation to settle once the call's real usage is known. */
export interface Reservation {
  settle(tokensUsed: number): Promise<void>;
}

interface Counters {
  /** Adds to both counters of each key, in one round trip, and answers their new values. */
  add(
    keys: string[],
    tokens: number,
    requests: number,
  ): Promise<{ tokens: number; requests: number }[]>;
}

const DAY_SECONDS = 86_400;

function utcDay(now = Date.now()): string {
  return new Date(now).toISOString().slice(0, 10);
}

function secondsUntilTomorrow(now = Date.now()): number {
  return Math.max(1, DAY_SECONDS - Math.floor((now % (DAY_SECONDS * 1000)) / 1000));
}

let counters: Promise<Counters | undefined> | undefined;

async function buildCounters(): Promise<Counters | undefined> {
  const redis = await redisClient();
  if (redis) {
    return {
      async add(keys, tokens, requests) {
        const pipeline = redis.pipeline();
        for (const key of keys) {
          const tokensKey = `ai:budget:tokens:${key}`;
          const requestsKey = `ai:budget:requests:${key}`;
          pipeline
            .incrby(tokensKey, tokens)
            .incrby(requestsKey, requests)
            .expire(tokensKey, 2 * DAY_SECONDS)
            .expire(requestsKey, 2 * DAY_SECONDS);
        }
        const results = await pipeline.exec<number[]>();
        return keys.map((_, index) => ({
          tokens: results[index * 4] as number,
          requests: results[index * 4 + 1] as number,
        }));
      },
    };
  }
  if (!localStackEnabled()) return undefined;
  const local = new Map<string, { tokens: number; requests: number }>();
  return {
    async add(keys, tokens, requests) {
      return keys.map((key) => {
        const entry = local.get(key) ?? { tokens: 0, requests: 0 };
        entry.tokens += tokens;
        entry.requests += requests;
        local.set(key, entry);
        return { ...entry };
      });
    },
  };
}

/** Whose counter: the user, or the visitor's address (IPv6 by its /64, which one host holds). */
function whoOf(subject: BudgetSubject): string {
  if ("userId" in subject) return `user:${subject.userId}`;
  if (!subject.ip.includes(":")) return `ip:${subject.ip}`;
  return `ip6:${ipv6Prefix64(subject.ip)}`;
}

/** The first four groups of an IPv6 address, expanded (`2001:db8::1` → `2001:db8:0:0`). */
export function ipv6Prefix64(address: string): string {
  const [head = "", tail] = address.toLowerCase().split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array(8 - left.length - right.length).fill("0"), ...right];
  return groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":");
}

function unavailable(cause: unknown): ApiError {
  log.error("ai_budget_unavailable", { error: cause });
  return new ApiError("service_unavailable", "Please try again in a moment.");
}

/**
 * Reserves `maxTokens` and one request of the subject's daily budget, or throws 429 rate_limited
 * (nothing kept) when that would pass it, 503 when the counters cannot be reached.
 */
export async function reserveBudget(
  subject: BudgetSubject,
  maxTokens: number,
): Promise<Reservation> {
  counters ??= buildCounters();
  const store = await counters;
  if (!store) throw unavailable(new Error("UPSTASH_REDIS_REST_URL/_TOKEN are not set"));
  const day = utcDay();
  const budgets: { key: string; limits: BudgetLimits }[] = [
    { key: `${day}:${hashIdentifier(whoOf(subject))}`, limits: budgetLimits(subject) },
  ];
  if ("ip" in subject) budgets.push({ key: `${day}:visitors`, limits: ALL_VISITORS_AI_BUDGET });
  const keys = budgets.map((budget) => budget.key);
  let counted: { tokens: number; requests: number }[];
  try {
    counted = await store.add(keys, maxTokens, 1);
  } catch (error) {
    throw unavailable(error);
  }
  const spent = budgets.find(
    ({ limits }, index) =>
      (counted[index]?.tokens ?? 0) > limits.aiTokensPerDay ||
      (counted[index]?.requests ?? 0) > limits.aiRequestsPerDay,
  );
  if (spent) {
    await store.add(keys, -maxTokens, -1).catch((error: unknown) => {
      log.warn("ai_budget_release_failed", { error });
    });
    const retryAfter = secondsUntilTomorrow();
    const { limits } = spent;
    log.info("ai_budget_spent", { subject: spent.key.slice(11) });
    throw new ApiError(
      "rate_limited",
      spent.key.endsWith(":visitors")
        ? "Today's AI budget for visitors is spent. Sign in, or try again after midnight UTC."
        : `Today's AI budget is spent (${limits.aiTokensPerDay} tokens or ${limits.aiRequestsPerDay} requests a day). It renews at midnight UTC.`,
      {
        headers: { "Retry-After": String(retryAfter) },
        extensions: {
          budget: {
            ...("tier" in subject && { tier: subject.tier }),
            tokensPerDay: limits.aiTokensPerDay,
            requestsPerDay: limits.aiRequestsPerDay,
          },
        },
      },
    );
  }
  let settled = false;
  return {
    async settle(tokensUsed) {
      if (settled) return;
      settled = true;
      const difference = tokensUsed - maxTokens;
      if (difference === 0) return;
      // Settling is best effort: if Redis is gone now, the reservation (the larger figure) stays
      // counted, which errs on the side of the bill.
      await store.add(keys, difference, 0).catch((error: unknown) => {
        log.warn("ai_budget_settle_failed", { error });
      });
    },
  };
}
