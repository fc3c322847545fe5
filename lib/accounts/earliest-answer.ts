// An answer that must not be faster for one kind of account than another: whether an address
// has an account shows in how long the auth server takes (it checks a password hash only for a
// real account, and real GoTrue does the same), so such answers are held back to a fixed floor
// from the moment the request started. The floor must be above what the slow path takes.

export interface EarliestAnswer {
  /** Resolves once the floor has passed since earliestAnswer() was called. */
  reached(): Promise<void>;
}

export function earliestAnswer(floorMs: number): EarliestAnswer {
  const notBefore = Date.now() + floorMs;
  return {
    async reached() {
      // A timer may fire a millisecond early against Date.now(); wait again until it has passed.
      for (let left = notBefore - Date.now(); left > 0; left = notBefore - Date.now()) {
        await new Promise((resolve) => setTimeout(resolve, left));
      }
    },
  };
}
