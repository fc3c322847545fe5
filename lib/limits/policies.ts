// The one table of rate-limit policies. An endpoint names a policy; the pipeline resolves the
// policy's key (the platform's client IP, the signed-in user's id, or a custom value the route
// supplies) and calls enforceRateLimit. Numbers are per key and per sliding window.

export type RateLimitWindow = `${number} ${"s" | "m" | "h"}`;

export interface RateLimitPolicy {
  /** Requests allowed per key within one window. */
  limit: number;
  window: RateLimitWindow;
  /**
   * What the limit is counted per. `custom` keys are chosen by the route and must be normalized
   * first (an email trimmed and lowercased, a phone number in E.164), or one person gets
   * several buckets.
   */
  key: "ip" | "user" | "custom";
  /**
   * What happens when the limiter cannot be reached: `open` lets the request through (the limit
   * only protects capacity), `closed` answers 503 (the limit protects money or accounts).
   */
  failure: "open" | "closed";
}

export const RATE_LIMIT_POLICIES = {
  /**
   * Per IP, generous: one SPA screen fires several reads, and offices or mobile carriers put
   * many people behind one address. Reads are cheap and RLS-guarded, so they fail open.
   */
  read: { limit: 300, window: "60 s", key: "ip", failure: "open" },
  /**
   * Per user: a person clicking through forms makes a few writes a minute; 60 leaves room for
   * bulk edits while stopping a runaway script. Ordinary writes touch only the caller's own
   * rows (RLS), so an outage of the limiter is not worth failing them; the writes that cost
   * money or reach other people have their own fail-closed policies below.
   */
  write: { limit: 60, window: "60 s", key: "user", failure: "open" },
  /**
   * Per IP, for sign-in, sign-up and password reset: 30 per 10 minutes lets a shared office
   * sign in on a Monday morning but makes credential stuffing from one address uneconomic.
   */
  auth: { limit: 30, window: "10 m", key: "ip", failure: "closed" },
  /**
   * Per target account (normalized email), across every IP: five sign-ups or reset emails per
   * 15 minutes stops mail-bombing someone with reset links or sign-up notices. Password checks
   * (sign-in, and the one before deleting an account) count failed passwords instead
   * (SIGN_IN_FAILURE_LIMITS below), so that nobody can lock an owner out by guessing.
   */
  auth_email: { limit: 5, window: "15 m", key: "custom", failure: "closed" },
  /**
   * Per IP, for refreshing and ending sessions: every open tab refreshes about once an hour,
   * so 120 per 10 minutes covers a busy office while a stolen-cookie replay loop is cut off.
   */
  session: { limit: 120, window: "10 m", key: "ip", failure: "closed" },
  /**
   * Per user: a real buyer starts a handful of checkouts; card testing starts hundreds.
   */
  payment: { limit: 10, window: "10 m", key: "user", failure: "closed" },
  /**
   * Per user: every SMS costs money and SMS pumping fraud bills it by the thousand; a login or
   * verification flow needs one or two codes, with a resend or two.
   */
  sms: { limit: 5, window: "1 h", key: "user", failure: "closed" },
  /**
   * Per destination number (E.164), across every account: no phone can be flooded by many
   * accounts taking turns, which the per-user policy alone would allow.
   */
  sms_destination: { limit: 3, window: "1 h", key: "custom", failure: "closed" },
  /**
   * Per user: each call spends model tokens; 20 a minute is brisk chatting, while a script
   * draining the budget is stopped within a minute.
   */
  ai: { limit: 20, window: "60 s", key: "user", failure: "closed" },
  /**
   * Customers starting a shop's web chat, per IP: a visitor starts one or two conversations;
   * each may wake the shop's AI (the owner's budget) and notifies the team, so it fails closed.
   */
  shop_chat_start: { limit: 5, window: "10 m", key: "ip", failure: "closed" },
  /**
   * Customers' chat messages and polls, per IP: the widget polls every couple of seconds while
   * open and a person types a few messages a minute; a message may wake the shop's AI.
   */
  shop_chat: { limit: 90, window: "60 s", key: "ip", failure: "closed" },
  /**
   * Public shop form submissions per IP: a customer sends a form or two; 10 per 10 minutes lets
   * a household share an address while a spam script is cut off. Each one may reserve stock and
   * emails the shop's team, so it fails closed.
   */
  shop_form: { limit: 10, window: "10 m", key: "ip", failure: "closed" },
  /**
   * Flight searches per IP: a person refining a search makes a few a minute; 120 lets an office
   * share an address, while a scraper walking routes is stopped. Hits cost nothing upstream, so
   * an outage of the limiter lets them through; misses also pass flight_provider below.
   */
  flight_search_ip: { limit: 120, window: "60 s", key: "ip", failure: "open" },
  /** Flight searches per signed-in user (guests count by IP here too). */
  flight_search_user: { limit: 60, window: "60 s", key: "user", failure: "open" },
  /**
   * Provider requests per minute for the whole deployment (key: the provider), every cache miss
   * and every price check: each spends the provider quota (Tequila and Duffel both bill or
   * throttle by it). Fails closed: with the counter unreachable nothing reaches the provider.
   */
  flight_provider: { limit: 120, window: "60 s", key: "custom", failure: "closed" },
  /**
   * Coupon code checks per IP (POST /api/coupons/validate): a customer types a code or two at
   * checkout; 10 per 10 minutes lets a household share an address while guessing codes is
   * stopped. It fails closed: with the counter unreachable nobody can try codes unlimited.
   */
  coupon: { limit: 10, window: "10 m", key: "ip", failure: "closed" },
} as const satisfies Record<string, RateLimitPolicy>;

export type RateLimitPolicyName = keyof typeof RATE_LIMIT_POLICIES;

/**
 * Failed sign-ins (lib/accounts/sign-in-limits.ts), at POST /api/auth/login and at the password
 * check before an account is deleted alike, counted only when the password was wrong: an attempt
 * counts when it starts (so parallel guesses cannot slip past the check) and a success takes it
 * back. Each window runs from the first failure it counts. When either is full, sign-in answers
 * 429 until it ends. They fail closed: with the counters unreachable, sign-in is 503.
 */
export const SIGN_IN_FAILURE_LIMITS = {
  /**
   * Per account and client address: someone mistyping gets 5 tries per 15 minutes, and so does a
   * guesser at one address (at most 20 an hour). A success from the address forgets its failures.
   */
  address: { limit: 5, window: "15 m" },
  /**
   * Per account, from every address together (a botnet): 30 failures an hour, more than one
   * address can make alone. It does not hold back an address the account signed in from within
   * `knownAddressDays`, so while guessers fill it the owner still gets in from their usual place.
   */
  account: { limit: 30, window: "1 h" },
  knownAddressDays: 30,
} as const satisfies {
  address: { limit: number; window: RateLimitWindow };
  account: { limit: number; window: RateLimitWindow };
  knownAddressDays: number;
};

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

export function windowMs(window: RateLimitWindow): number {
  const [amount, unit] = window.split(" ") as [string, keyof typeof UNIT_MS];
  return Number(amount) * UNIT_MS[unit];
}
