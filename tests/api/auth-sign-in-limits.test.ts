// Failed sign-ins through the API, each request from its own loopback address (the platform IP
// comes from the socket): guessing is stopped per account and address and, from many addresses,
// per account; yet the owner still gets in from their usual address, and a success forgets the
// failures. Refusals of a wrong password and of an unknown address come no sooner than the
// floor. Against Upstash over a real Redis when redis-server is installed (the in-process
// counters otherwise; tests/api/auth-session.test.ts covers those too).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGN_IN_REFUSAL_MIN_MS } from "../../lib/accounts/sessions.js";
import { SIGN_IN_FAILURE_LIMITS } from "../../lib/limits/policies.js";
import { startTestApi, type TestApi } from "../helpers/api.js";
import { type LocalUpstash, startLocalUpstash } from "../helpers/local-upstash.js";
import { redisServerBinary } from "../helpers/redis.js";
import { sendFrom } from "../helpers/requests.js";
import { announceSkipped } from "../helpers/skipped.js";

const binary = redisServerBinary();
let upstash: LocalUpstash | undefined;
let api: TestApi;

beforeAll(async () => {
  upstash = binary ? await startLocalUpstash(binary) : undefined;
  api = await startTestApi({
    env: upstash
      ? { UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token }
      : {},
  });
});
afterAll(async () => {
  await api?.close();
  await upstash?.stop();
});

if (!binary) {
  announceSkipped(
    "redis-server not found — sign-in limits ran on the in-process counters, not through Upstash (apt-get install redis-server)",
  );
}

const PASSWORD = "a long and unusual passphrase";
const { address: perAddress, account: perAccount } = SIGN_IN_FAILURE_LIMITS;

/** A /24 of loopback addresses per test, so no two tests share a client address. */
let subnets = 0;
function addresses() {
  const subnet = ++subnets;
  let host = 0;
  return () => `127.0.${subnet}.${++host}`;
}

interface Answer {
  status: number;
  retryAfter: string | undefined;
  ms: number;
}

/** POST /api/auth/login from `localAddress`. */
async function signIn(localAddress: string, email: string, password: string): Promise<Answer> {
  const started = Date.now();
  const response = await sendFrom(api, "POST", "/api/auth/login", {
    body: { email, password },
    localAddress,
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after") ?? undefined,
    ms: Date.now() - started,
  };
}

async function newAccount(): Promise<string> {
  const email = `owner-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const response = await fetch(`${api.url}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, fullName: "Olu Owner" }),
  });
  expect(response.status).toBe(201);
  return email;
}

const statuses = (answers: Answer[]) => answers.map(({ status }) => status);
const times = <T>(n: number, make: (i: number) => T) =>
  Array.from({ length: n }, (_, i) => make(i));

describe("failed sign-ins", () => {
  it("stop a guesser at one address while the owner still signs in from theirs", async () => {
    const next = addresses();
    const email = await newAccount();
    const [usual, guesser, elsewhere] = [next(), next(), next()];
    expect((await signIn(usual, email, PASSWORD)).status).toBe(200);

    const guesses = [];
    for (let i = 0; i <= perAddress.limit; i++)
      guesses.push(await signIn(guesser, email, `guess ${i}`));
    expect(statuses(guesses)).toEqual([...times(perAddress.limit, () => 401), 429]);
    const refused = guesses.at(-1) as Answer;
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(15 * 60);
    // Even the right password from the guesser's address waits out the window.
    expect((await signIn(guesser, email, PASSWORD)).status).toBe(429);

    expect((await signIn(usual, email, PASSWORD)).status).toBe(200);
    expect((await signIn(elsewhere, email, PASSWORD)).status).toBe(200);
  });

  it("count against an address with no account the same way", async () => {
    const next = addresses();
    const email = `nobody-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const guesser = next();
    const answers = [];
    for (let i = 0; i <= perAddress.limit; i++)
      answers.push(await signIn(guesser, email, `guess ${i}`));
    expect(statuses(answers)).toEqual([...times(perAddress.limit, () => 401), 429]);
  });

  it("are forgotten by a success from the same address; successes never count", async () => {
    const next = addresses();
    const email = await newAccount();
    const owner = next();
    for (let round = 0; round < 2; round++) {
      const typos = [];
      for (let i = 1; i < perAddress.limit; i++)
        typos.push(await signIn(owner, email, `typo ${i}`));
      expect(statuses(typos)).toEqual(times(perAddress.limit - 1, () => 401));
      expect((await signIn(owner, email, PASSWORD)).status).toBe(200);
    }
    for (let i = 0; i <= perAddress.limit; i++) {
      expect((await signIn(owner, email, PASSWORD)).status).toBe(200);
    }
  });

  it("from many addresses fill the account's ceiling, which the owner's usual address passes", {
    timeout: 60_000,
  }, async () => {
    const next = addresses();
    const email = await newAccount();
    const usual = next();
    expect((await signIn(usual, email, PASSWORD)).status).toBe(200);

    // A botnet: each address stays under its own limit; together they fill the account's.
    const bots = times(Math.ceil(perAccount.limit / (perAddress.limit - 1)), () => next());
    // Three at a time: enough to show parallel guesses are counted, light on a small machine.
    const guesses: Answer[] = [];
    for (let i = 0; i < perAccount.limit; i += 3) {
      const batch = times(Math.min(3, perAccount.limit - i), (j) =>
        signIn(bots[(i + j) % bots.length] as string, email, `guess ${i + j}`),
      );
      guesses.push(...(await Promise.all(batch)));
    }
    expect(statuses(guesses)).toEqual(times(perAccount.limit, () => 401));

    const fresh = next();
    const blocked = await signIn(fresh, email, "one more guess");
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(15 * 60);
    expect((await signIn(next(), email, PASSWORD)).status).toBe(429);

    expect((await signIn(usual, email, PASSWORD)).status).toBe(200);
    // The usual address still has its own limit, like any other.
    const fromUsual = [];
    for (let i = 0; i <= perAddress.limit; i++) fromUsual.push(await signIn(usual, email, `g${i}`));
    expect(statuses(fromUsual)).toEqual([...times(perAddress.limit, () => 401), 429]);
  });
});

describe("refusing a sign-in", () => {
  it(`takes at least ${SIGN_IN_REFUSAL_MIN_MS} ms for a wrong password and an unknown address alike`, async () => {
    const next = addresses();
    const email = await newAccount();
    const wrong = await signIn(next(), email, "not the password at all");
    const unknown = await signIn(next(), `nobody-${crypto.randomUUID()}@example.test`, PASSWORD);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    // A lower bound only: a slow machine makes both later, never earlier.
    expect(wrong.ms).toBeGreaterThanOrEqual(SIGN_IN_REFUSAL_MIN_MS);
    expect(unknown.ms).toBeGreaterThanOrEqual(SIGN_IN_REFUSAL_MIN_MS);
  });
});
