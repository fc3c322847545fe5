// POST /api/auth/register against a Supabase Auth with email confirmation on (a Supabase project's
// default; the local stack's emailConfirmations): a new address and an address that already has
// an account get the same answer, equally late, so sign-up tells nobody who has an account; the
// new one is sent Supabase Auth's confirmation mail, the owner of the existing one Bastion's
// account_exists notice through the outbox. (With confirmation off, the 409 and its rate limit
// are in auth-session.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REGISTRATION_ANSWER_MIN_MS } from "../../lib/accounts/register.js";
import { startTestApi, type TestApi } from "../helpers/api.js";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ auth: { emailConfirmations: true } });
});
afterAll(async () => {
  await api?.close();
});

const PASSWORD = "a long and unusual passphrase";
const newEmail = () => `member-${crypto.randomUUID().slice(0, 8)}@example.test`;

interface Answer {
  status: number;
  body: unknown;
  cookies: string[];
  ms: number;
}

async function register(email: string, password = PASSWORD): Promise<Answer> {
  const started = Date.now();
  const response = await fetch(`${api.url}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, fullName: "Rae Member" }),
  });
  const body: unknown = await response.json();
  return {
    status: response.status,
    body,
    cookies: response.headers.getSetCookie(),
    ms: Date.now() - started,
  };
}

/** Confirms the address with the link Supabase Auth mailed to it. */
async function confirm(email: string): Promise<void> {
  const { rows } = await api.supabase.db.query<{ body: string }>(
    "select body from local_stack.mailbox where recipient = $1 order by id desc limit 1",
    [email],
  );
  const token = /[?&]token=([0-9a-f]+)/.exec(rows[0]?.body ?? "")?.[1] ?? "";
  const { error } = await api.supabase
    .client()
    .auth.verifyOtp({ token_hash: token, type: "signup" });
  if (error) throw error;
}

async function authMails(email: string): Promise<number> {
  const { rows } = await api.supabase.db.query(
    "select 1 from local_stack.mailbox where recipient = $1",
    [email],
  );
  return rows.length;
}

async function notices(email: string) {
  const { rows } = await api.supabase.db.query<{ template: string; status: string }>(
    `select n.template, n.status from public.notifications n
       join auth.users u on u.id = n.user_id
      where u.email = $1 and n.template = 'account_exists'`,
    [email],
  );
  return rows;
}

describe("registering with email confirmation on", () => {
  it("answers a new address and a taken one alike, and mails each its own message", async () => {
    const owner = newEmail();
    const first = await register(owner);
    expect(first).toMatchObject({ status: 202, body: { confirmationRequired: true }, cookies: [] });
    expect(await authMails(owner)).toBe(1);
    await confirm(owner);

    const fresh = await register(newEmail());
    const taken = await register(owner, "someone else's passphrase");
    expect({ ...taken, ms: 0 }).toEqual({ ...fresh, ms: 0 });
    expect(taken).toMatchObject({ status: 202, body: { confirmationRequired: true } });
    // Equally late: no sooner than the floor either way (a lower bound; never flaky).
    expect(fresh.ms).toBeGreaterThanOrEqual(REGISTRATION_ANSWER_MIN_MS);
    expect(taken.ms).toBeGreaterThanOrEqual(REGISTRATION_ANSWER_MIN_MS);

    // No second account and no Auth mail for the taken address: its owner gets the notice,
    // delivered to the local outbox after the response.
    await api.settle();
    expect(await authMails(owner)).toBe(1);
    const { rows: accounts } = await api.supabase.db.query(
      "select 1 from auth.users where email = $1",
      [owner],
    );
    expect(accounts).toHaveLength(1);
    expect(await notices(owner)).toEqual([{ template: "account_exists", status: "sent" }]);
    const signedIn = await fetch(`${api.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: owner, password: PASSWORD }),
    });
    expect(signedIn.status).toBe(200);
  });

  it("sends the owner one notice an hour however often the address is tried", async () => {
    const owner = newEmail();
    await register(owner);
    await confirm(owner);
    for (let i = 0; i < 3; i++) expect((await register(owner)).status).toBe(202);
    await api.settle();
    expect(await notices(owner)).toHaveLength(1);
  });

  it("answers an unconfirmed address like a new one, its confirmation mail sent again once", async () => {
    const pending = newEmail();
    const first = await register(pending);
    const again = await register(pending);
    expect(again).toEqual({ ...first, ms: again.ms });
    // Supabase Auth sends at most one mail a minute; the second answer is the same 202.
    expect(await authMails(pending)).toBe(1);
    await api.settle();
    expect(await notices(pending)).toEqual([]);
  });
});
