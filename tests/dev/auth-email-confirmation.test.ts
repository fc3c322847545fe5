// The local Auth API with email confirmation on (a Supabase project's default), through the real
// supabase-js client: a sign-up gets a user with no session and a confirmation mail in the local
// mailbox, whose link confirms the address and signs in; an address that already has an account
// gets GoTrue's made-up user (a fresh id, no identities, no session) with the same 200, and no
// mail; an unconfirmed one gets its mail again, at most once a minute.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSupabase, type TestSupabase } from "../helpers/supabase.js";

let stack: TestSupabase;
const run = randomUUID().slice(0, 8);
const PASSWORD = "correct horse battery";
let emails = 0;
const newEmail = (name: string) => `${name}-${run}-${++emails}@example.test`;

beforeAll(async () => {
  stack = await startTestSupabase({ auth: { emailConfirmations: true } });
});
afterAll(async () => {
  await stack?.close();
});

const signUp = (email: string, password = PASSWORD) =>
  stack.client().auth.signUp({ email, password, options: { data: { plan: "trial" } } });

async function mails(recipient: string): Promise<{ subject: string; body: string }[]> {
  const { rows } = await stack.db.query<{ subject: string; body: string }>(
    "select subject, body from local_stack.mailbox where recipient = $1 order by id",
    [recipient],
  );
  return rows;
}

const linkToken = (body: string) => /[?&]token=([0-9a-f]+)/.exec(body)?.[1] ?? "";

describe("sign-up with email confirmation", () => {
  it("answers a new address with an unconfirmed user and mails the link that confirms it", async () => {
    const email = newEmail("new");
    const { data, error } = await signUp(email);
    expect(error).toBeNull();
    expect(data.session).toBeNull();
    expect(data.user).toMatchObject({ email, user_metadata: { plan: "trial" } });
    expect(data.user?.identities).toHaveLength(1);
    expect(data.user?.email_confirmed_at).toBeUndefined();

    const refused = await stack.client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(refused.error).toMatchObject({ status: 400, code: "email_not_confirmed" });

    const [mail] = await mails(email);
    expect(mail?.subject).toBe("Confirm Your Signup");
    expect(mail?.body).toContain("type=signup");
    const confirmed = await stack
      .client()
      .auth.verifyOtp({ token_hash: linkToken(mail?.body ?? ""), type: "signup" });
    expect(confirmed.error).toBeNull();
    expect(confirmed.data.session?.user.email_confirmed_at).toBeTruthy();
    const signedIn = await stack.client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(signedIn.error).toBeNull();
  });

  it("answers an address with a confirmed account with a made-up user, and mails nothing", async () => {
    const email = newEmail("taken");
    const first = await signUp(email);
    const [mail] = await mails(email);
    await stack
      .client()
      .auth.verifyOtp({ token_hash: linkToken(mail?.body ?? ""), type: "signup" });

    const again = await signUp(email, "another long passphrase");
    expect(again.error).toBeNull();
    expect(again.data.session).toBeNull();
    expect(again.data.user).toMatchObject({ email, identities: [] });
    expect(again.data.user?.id).not.toBe(first.data.user?.id);
    expect(await mails(email)).toHaveLength(1);
    const { rows } = await stack.db.query("select 1 from auth.users where email = $1", [email]);
    expect(rows).toHaveLength(1);
    // The account's password is unchanged.
    const signedIn = await stack.client().auth.signInWithPassword({ email, password: PASSWORD });
    expect(signedIn.error).toBeNull();
  });

  it("mails an unconfirmed address again, but not twice within a minute", async () => {
    const email = newEmail("pending");
    await signUp(email);
    await stack.db.query(
      `update auth.one_time_tokens set created_at = now() - interval '61 seconds'
        where relates_to = $1`,
      [email],
    );
    const resent = await signUp(email);
    expect(resent.error).toBeNull();
    expect(resent.data.user?.identities).toHaveLength(1);
    expect(await mails(email)).toHaveLength(2);
    const tooSoon = await signUp(email);
    expect(tooSoon.error).toMatchObject({ status: 429, code: "over_email_send_rate_limit" });
    expect(await mails(email)).toHaveLength(2);
  });

  it("verifies a link's token hash as type email, supabase-js's current name, as GoTrue does", async () => {
    const email = newEmail("email-type");
    await signUp(email);
    const [mail] = await mails(email);
    const confirmed = await stack
      .client()
      .auth.verifyOtp({ token_hash: linkToken(mail?.body ?? ""), type: "email" });
    expect(confirmed.error).toBeNull();
    expect(confirmed.data.session?.user.email_confirmed_at).toBeTruthy();

    // A recovery link's hash too, which signs in as a magic link would.
    await stack.client().auth.resetPasswordForEmail(email, { redirectTo: "http://app.test/r" });
    const recovery = (await mails(email)).at(-1);
    expect(recovery?.subject).toBe("Reset Your Password");
    const signedIn = await stack
      .client()
      .auth.verifyOtp({ token_hash: linkToken(recovery?.body ?? ""), type: "email" });
    expect(signedIn.error).toBeNull();
    expect(signedIn.data.session?.user.email).toBe(email);
    const spent = await stack
      .client()
      .auth.verifyOtp({ token_hash: linkToken(recovery?.body ?? ""), type: "email" });
    expect(spent.error).toMatchObject({ status: 403, code: "otp_expired" });
  });
});
