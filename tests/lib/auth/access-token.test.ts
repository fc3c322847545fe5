// Access tokens verified locally against the real local stack: its GoTrue issues the sessions and
// its JWKS holds the key. No SUPABASE_JWT_SECRET here, so HS256 is refused outright
// (legacy-secret.test.ts covers projects that still have one).
import { type CryptoKey, exportSPKI, importJWK, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../../lib/http/errors.js";
import { startTestSupabase, type TestSupabase } from "../../helpers/supabase.js";
import {
  adminCreatedSession,
  foreignKey,
  hs256,
  signUp,
  unsignedToken,
  userClaims,
} from "./tokens.js";

let stack: TestSupabase;
let verifyAccessToken: typeof import("../../../lib/auth/access-token.js").verifyAccessToken;
let authenticate: typeof import("../../../lib/auth/caller.js").authenticate;

beforeAll(async () => {
  stack = await startTestSupabase();
  // env() reads process.env once per process, so it is set before lib/ is first imported.
  process.env.SUPABASE_URL = stack.url;
  process.env.SUPABASE_ANON_KEY = stack.anonKey;
  delete process.env.SUPABASE_JWT_SECRET;
  ({ verifyAccessToken } = await import("../../../lib/auth/access-token.js"));
  ({ authenticate } = await import("../../../lib/auth/caller.js"));
});

afterAll(async () => {
  await stack?.close();
});

const NOT_VALID = "The access token is not valid. Sign in again.";
const EXPIRED = "The access token is expired. Refresh the session.";

async function expectUnauthorized(token: Promise<unknown>, detail = NOT_VALID): Promise<void> {
  const error = await token.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect(error).toMatchObject({ code: "unauthorized", status: 401, detail });
}

const mint = (overrides: JWTPayload = {}, seconds = 3600) =>
  stack.keys.sign(userClaims(stack.url, overrides), seconds);

function bearerRequest(authorization?: string, url = "http://bastion.test/api/me"): Request {
  return new Request(url, authorization === undefined ? {} : { headers: { authorization } });
}

describe("verifyAccessToken", () => {
  it("returns the claims of a session GoTrue issued", async () => {
    const session = await signUp(stack);
    const claims = await verifyAccessToken(session.access_token);
    expect(claims).toEqual({
      sub: session.user.id,
      role: "authenticated",
      aud: "authenticated",
      exp: session.expires_at,
      iat: expect.any(Number),
      email: session.user.email,
      phone: "",
      session_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      aal: "aal1",
      is_anonymous: false,
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: {},
    });
  });

  it("accepts a token minted with the project key and the right claims", async () => {
    const sub = crypto.randomUUID();
    await expect(verifyAccessToken(await mint({ sub }))).resolves.toMatchObject({ sub });
  });

  it("says an expired token is expired", async () => {
    await expectUnauthorized(verifyAccessToken(await mint({}, -120)), EXPIRED);
  });

  it.each<[string, (supabaseUrl: string) => JWTPayload]>([
    ["not valid yet (nbf two minutes ahead)", () => ({ nbf: Math.floor(Date.now() / 1000) + 120 })],
    ["for another audience", () => ({ aud: "someone-else" })],
    ["from another issuer", () => ({ iss: "https://attacker.example/auth/v1" })],
    ["from the project URL without /auth/v1", (supabaseUrl) => ({ iss: supabaseUrl })],
    ["with an API key's role (anon)", () => ({ role: "anon" })],
    ["with an API key's role (service_role)", () => ({ role: "service_role" })],
    ["without a role", () => ({ role: undefined })],
    ["with a sub that is not a uuid", () => ({ sub: "admin" })],
  ])("refuses a project-signed token %s", async (_, overrides) => {
    await expectUnauthorized(verifyAccessToken(await mint(overrides(stack.url))));
  });

  it("refuses the anon and service_role API keys", async () => {
    await expectUnauthorized(verifyAccessToken(stack.anonKey));
    await expectUnauthorized(verifyAccessToken(stack.serviceRoleKey));
  });

  it("refuses an unsigned token (alg none)", async () => {
    await expectUnauthorized(verifyAccessToken(unsignedToken(userClaims(stack.url))));
  });

  it("refuses HS256 tokens whose secret is the public key (algorithm confusion)", async () => {
    const claims = userClaims(stack.url);
    const header = { kid: stack.keys.kid };
    const publicKey = await importJWK(stack.keys.publicJwk, "ES256", { extractable: true });
    const pem = await exportSPKI(publicKey as CryptoKey);
    await expectUnauthorized(
      verifyAccessToken(await hs256(claims, JSON.stringify(stack.keys.publicJwk), header)),
    );
    await expectUnauthorized(verifyAccessToken(await hs256(claims, pem, header)));
  });

  it("refuses HS256 when no legacy secret is configured", async () => {
    const token = await hs256(userClaims(stack.url), "a-legacy-secret-of-at-least-32-characters");
    await expectUnauthorized(verifyAccessToken(token));
  });

  it("refuses a token signed by another key under the project's kid", async () => {
    const impostor = await foreignKey("ES256", stack.keys.kid);
    await expectUnauthorized(verifyAccessToken(await impostor.sign(userClaims(stack.url))));
  });

  it("refuses a token whose kid is not in the project's JWKS", async () => {
    const stranger = await foreignKey("ES256");
    await expectUnauthorized(verifyAccessToken(await stranger.sign(userClaims(stack.url))));
  });

  it("refuses a genuine token whose payload was changed", async () => {
    const [header, , signature] = (await mint()).split(".");
    const payload = Buffer.from(JSON.stringify(userClaims(stack.url))).toString("base64url");
    await expectUnauthorized(verifyAccessToken(`${header}.${payload}.${signature}`));
  });

  it.each(["", "not-a-jwt", "a.b.c", "eyJhbGciOiJFUzI1NiJ9..", "...."])(
    "refuses the non-token %j",
    async (token) => {
      await expectUnauthorized(verifyAccessToken(token));
    },
  );
});

describe("authenticate", () => {
  it("is undefined without an Authorization header", async () => {
    await expect(authenticate(bearerRequest())).resolves.toBeUndefined();
  });

  it("never takes the token from the query string or a cookie", async () => {
    const { access_token } = await signUp(stack);
    const inQuery = bearerRequest(
      undefined,
      `http://bastion.test/api/me?access_token=${access_token}`,
    );
    await expect(authenticate(inQuery)).resolves.toBeUndefined();
    const inCookie = new Request("http://bastion.test/api/me", {
      headers: { cookie: `sb-access-token=${access_token}; access_token=${access_token}` },
    });
    await expect(authenticate(inCookie)).resolves.toBeUndefined();
  });

  it.each(["", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", "Token abc", "Bearer a,b"])(
    "refuses the malformed header %j",
    async (header) => {
      const error = await authenticate(bearerRequest(header)).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: "unauthorized", status: 401 });
    },
  );

  it("refuses an invalid token in a well-formed header", async () => {
    await expectUnauthorized(authenticate(bearerRequest(`Bearer ${stack.anonKey}`)));
  });

  it("describes a signed-in caller, with the scheme in any case", async () => {
    const session = await signUp(stack);
    const caller = await authenticate(bearerRequest(`bearer ${session.access_token}`));
    expect(caller).toEqual({
      userId: session.user.id,
      email: session.user.email,
      roles: [],
      accessToken: session.access_token,
      claims: expect.objectContaining({ sub: session.user.id }),
    });
  });

  it("takes roles from app_metadata, which the server sets", async () => {
    const session = await adminCreatedSession(stack, {
      app_metadata: { role: "admin" },
      user_metadata: { role: "staff" },
    });
    const caller = await authenticate(bearerRequest(`Bearer ${session.access_token}`));
    expect(caller?.roles).toEqual(["staff", "admin"]);
  });

  it("ignores roles in user_metadata, which users edit themselves", async () => {
    const session = await adminCreatedSession(stack, {
      user_metadata: { role: "admin", roles: ["admin", "staff"] },
    });
    const caller = await authenticate(bearerRequest(`Bearer ${session.access_token}`));
    expect(caller?.claims.user_metadata).toMatchObject({ role: "admin" });
    expect(caller?.roles).toEqual([]);
  });

  it("reads app_metadata.roles and ignores roles this app does not know", async () => {
    const session = await adminCreatedSession(stack, {
      app_metadata: { roles: ["staff", "owner", 7] },
    });
    const caller = await authenticate(bearerRequest(`Bearer ${session.access_token}`));
    expect(caller?.roles).toEqual(["staff"]);
  });

  it("gives an email-less token's caller an undefined email", async () => {
    const token = await mint({ email: "" });
    const caller = await authenticate(bearerRequest(`Bearer ${token}`));
    expect(caller?.email).toBeUndefined();
  });
});
