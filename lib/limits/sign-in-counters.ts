// Where failed sign-ins are counted (lib/accounts/sign-in-limits.ts decides what the counts mean).
// Each operation is atomic, so two parallel guesses cannot both pass a full counter.

/** The counters of one account and client address, under keys that hide both. */
export interface SignInKeys {
  /** Failures of this account from this address. */
  address: string;
  /** Failures of this account from every address. */
  account: string;
  /** Present while this address counts as one the account signed in from. */
  knownAddress: string;
}

export interface SignInCounterLimits {
  address: { limit: number; windowSeconds: number };
  account: { limit: number; windowSeconds: number };
  knownAddressSeconds: number;
}

export type AttemptOutcome =
  | { counted: true }
  /** Which counter is full, and the seconds until its window ends. */
  | { counted: false; full: "address" | "account"; retryAfterSeconds: number };

export interface SignInCounters {
  /**
   * Refuses when the address counter is full, or the account counter is full and the address is
   * not known; otherwise counts one attempt on both (each window starts at its first count).
   */
  attempt(keys: SignInKeys, limits: SignInCounterLimits): Promise<AttemptOutcome>;
  /** The password was right: forget the address's failures, take the attempt back from the
   * account's, and remember the address as known. */
  succeeded(keys: SignInKeys, limits: SignInCounterLimits): Promise<void>;
  /** The attempt never reached a verdict (the auth server failed): take it back from both. */
  withdrawn(keys: SignInKeys): Promise<void>;
}
