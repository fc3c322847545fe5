// Password guessing is limited per account without handing anyone a way to lock the owner out
// (numbers and reasons in SIGN_IN_FAILURE_LIMITS, lib/limits/policies.ts): failures are counted
// per account and client address, with a higher ceiling per account that an address the account
// signed in from recently does not hit. Only failures count: every attempt is counted when it
// starts and a success takes it back, so parallel guesses cannot slip past a full counter.
//
// The counters are keyed by keyed hashes (the personal-data lookup key), so Redis holds neither
// the email nor the IP, and nobody with Redis access alone can test a guess against the keys.
import { lookupHash, normalizeEmail } from "../crypto/personal-data.js";
import { localStackEnabled } from "../env.js";
import { ApiError } from "../http/errors.js";
import { SIGN_IN_FAILURE_LIMITS, windowMs } from "../limits/policies.js";
import type {
  SignInCounterLimits,
  SignInCounters,
  SignInKeys,
} from "../limits/sign-in-counters.js";
import { log } from "../log.js";
import { redisClient } from "../redis.js";

export interface SignInAttempt {
  /** The password was right. */
  succeeded(): Promise<void>;
  /** The auth server failed before it judged the password: the attempt does not count. */
  withdrawn(): Promise<void>;
}

const LIMITS: SignInCounterLimits = {
  address: {
    limit: SIGN_IN_FAILURE_LIMITS.address.limit,
    windowSeconds: windowMs(SIGN_IN_FAILURE_LIMITS.address.window) / 1000,
  },
  account: {
    limit: SIGN_IN_FAILURE_LIMITS.account.limit,
    windowSeconds: windowMs(SIGN_IN_FAILURE_LIMITS.account.window) / 1000,
  },
  knownAddressSeconds: SIGN_IN_FAILURE_LIMITS.knownAddressDays * 86_400,
};

/** Undefined without Upstash outside the local stack: per-instance counters would multiply the limits. */
let counters: Promise<SignInCounters | undefined> | undefined;
let refusalLogged = false;

/** Chosen on first use, so a function that never signs anyone in loads no Redis SDK. */
async function chooseCounters(): Promise<SignInCounters | undefined> {
  const redis = await redisClient();
  if (redis !== undefined)
    return (await import("../limits/redis-sign-in-counters.js")).redisSignInCounters(redis);
  if (!localStackEnabled()) return undefined;
  return (await import("../limits/in-process-sign-in-counters.js")).inProcessSignInCounters();
}

/**
 * Counts a sign-in attempt of `email` from `ip`; throws 429 rate_limited (Retry-After) when this
 * address has failed too often for the account, or the account has and this address is not one
 * it signed in from; 503 when the counters cannot be reached. A wrong password needs no call:
 * the attempt stays counted.
 */
export async function startSignInAttempt(email: string, ip: string): Promise<SignInAttempt> {
  counters ??= chooseCounters();
  const store = await counters;
  if (store === undefined) {
    if (!refusalLogged) {
      refusalLogged = true;
      log.error("sign_in_counters_not_configured", {
        reason: "UPSTASH_REDIS_REST_URL/_TOKEN are not set in production",
      });
    }
    throw new ApiError("service_unavailable", "Please try again later.");
  }
  const keys = signInKeys(email, ip);
  let outcome: Awaited<ReturnType<SignInCounters["attempt"]>>;
  try {
    outcome = await store.attempt(keys, LIMITS);
  } catch (error) {
    log.error("sign_in_counters_unavailable", { operation: "attempt", error });
    throw new ApiError("service_unavailable", "Please try again in a moment.");
  }
  if (!outcome.counted) {
    log.info("sign_in_limited", { counter: outcome.full });
    // The same words for both counters, and for addresses with and without an account.
    throw new ApiError(
      "rate_limited",
      `Too many failed sign-ins. Try again in ${outcome.retryAfterSeconds} seconds, or reset your password.`,
      { headers: { "Retry-After": String(outcome.retryAfterSeconds) } },
    );
  }
  // Best effort: if the counters fail now, the attempt stays counted as a failure.
  const settle = (operation: string, run: () => Promise<void>) => async () => {
    try {
      await run();
    } catch (error) {
      log.warn("sign_in_counters_unavailable", { operation, error });
    }
  };
  return {
    succeeded: settle("succeeded", () => store.succeeded(keys, LIMITS)),
    withdrawn: settle("withdrawn", () => store.withdrawn(keys)),
  };
}

function signInKeys(email: string, ip: string): SignInKeys {
  const account = normalizeEmail(email);
  const address = `${account}\0${ip}`;
  return {
    address: `signin:address:${lookupHash(address, "sign_in.address")}`,
    account: `signin:account:${lookupHash(account, "sign_in.account")}`,
    knownAddress: `signin:known:${lookupHash(address, "sign_in.known_address")}`,
  };
}
