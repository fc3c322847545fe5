// The typed client SPAs use, checked two ways: its types are the OpenAPI document's own (a
// stale client/api-types.ts fails here), and it works against the real API in the local
// stack — sessions, bearer tokens, and problem details with field errors.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiProblem,
  createBastionClient,
  type Session,
  unwrap,
} from "../../client/bastion-client.js";
import { CLIENT_TYPES_FILE, clientTypes } from "../../dev/generate-client-types.js";
import { startTestApi, type TestApi } from "../helpers/api.js";

describe("client/api-types.ts", () => {
  it("is what the OpenAPI document generates (run `npm run generate:client` after a contract change)", async () => {
    expect(await readFile(CLIENT_TYPES_FILE, "utf8")).toBe(await clientTypes());
  });
});

describe("createBastionClient against the API", () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  const newClient = (sessions: (Session | undefined)[] = []) =>
    createBastionClient({ baseUrl: api.url, onSessionChange: (session) => sessions.push(session) });

  it("signs up, keeps the access token in memory and sends it as the bearer token", async () => {
    const sessions: (Session | undefined)[] = [];
    const client = newClient(sessions);
    const email = `client-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const created = await client.signUp({
      email,
      password: "correct horse battery",
      fullName: "Client Test",
    });
    if ("confirmationRequired" in created) throw new Error("the test stack auto-confirms");
    const session = created;

    expect(session.user.email).toBe(email);
    expect(client.session?.accessToken).toBe(session.accessToken);
    expect(sessions.at(-1)?.user.id).toBe(session.user.id);
    const me = unwrap(await client.api.GET("/api/users/me"));
    expect(me).toMatchObject({ id: session.user.id, fullName: "Client Test" });
  });

  it("throws the API's problem details, with field errors by the API's field paths", async () => {
    const client = newClient();
    const attempt = client.api.POST("/api/bookings", {
      body: {
        sessionType: "individual",
        format: "video",
        date: "2026-13-40",
        time: "10:00 AM",
        customer: { name: "", email: "not an email" },
      },
    });
    const problem = await attempt.then(unwrap).catch((error: unknown) => error);

    expect(problem).toBeInstanceOf(ApiProblem);
    expect((problem as ApiProblem).status).toBe(400);
    expect((problem as ApiProblem).code).toBe("validation_failed");
    expect(Object.keys((problem as ApiProblem).fieldErrors).sort()).toEqual([
      "customer.email",
      "customer.name",
      "date",
    ]);
  });

  it("stays signed out after a failed sign-in, and reports a token the API refuses as signed out", async () => {
    const sessions: (Session | undefined)[] = [];
    const client = newClient(sessions);
    const [email, password] = await credentialsFor(api);
    const refused = await client.signIn(email, "not the password").catch((error: unknown) => error);
    expect((refused as ApiProblem).code).toBe("invalid_credentials");
    expect(client.session).toBeUndefined();

    await client.signIn(email, password);
    const session = client.session as Session;
    // A signature this stack's key never made is refused like a revoked token.
    session.accessToken = `${session.accessToken.slice(0, session.accessToken.lastIndexOf(".") + 1)}AAAA`;
    const answer = await client.api.GET("/api/users/me");

    expect(answer.response.status).toBe(401);
    expect(client.session).toBeUndefined();
    expect(sessions.at(-1)).toBeUndefined();
  });
});

describe("createBastionClient when Supabase Auth confirms email addresses", () => {
  const SESSION: Session = {
    user: { id: "5b0f5f7e-3c1a-4f7e-9d55-0d1c2b3a4f5e", email: "ann@example.test", createdAt: "" },
    accessToken: "header.payload.signature",
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  };

  /** The API as the client sees it: these answers, and every request it sent. */
  function fakeApi(answer: (request: Request) => Response) {
    const sent: Request[] = [];
    const sessions: (Session | undefined)[] = [];
    const client = createBastionClient({
      baseUrl: "https://bastion.example.test",
      onSessionChange: (session) => sessions.push(session),
      fetch: async (request) => {
        sent.push(request.clone());
        return answer(request);
      },
    });
    return { client, sent, sessions };
  }

  it("answers sign-up's 202 as {confirmationRequired: true} and keeps nobody signed in", async () => {
    const { client, sent, sessions } = fakeApi((request) =>
      request.url.endsWith("/api/auth/register")
        ? Response.json({ confirmationRequired: true }, { status: 202 })
        : Response.json({}, { status: 200 }),
    );
    const result = await client.signUp({
      email: "ann@example.test",
      password: "correct horse battery",
      fullName: "Ann",
    });

    expect(result).toEqual({ confirmationRequired: true });
    expect(client.session).toBeUndefined();
    expect(sessions).toEqual([]);
    await client.api.GET("/api/users/me");
    expect(sent.at(-1)?.headers.get("authorization")).toBeNull();
  });

  it("confirms with the link's token hash and type, and keeps the session it answers", async () => {
    const { client, sent, sessions } = fakeApi(() => Response.json(SESSION));
    const session = await client.confirmEmail("5e1c9a7b", "email");

    expect(session).toEqual(SESSION);
    expect(client.session).toEqual(SESSION);
    expect(sessions).toEqual([SESSION]);
    const [request] = sent;
    expect(request?.method).toBe("POST");
    expect(new URL(request?.url ?? "").pathname).toBe("/api/auth/confirm");
    expect(request?.headers.get("authorization")).toBeNull();
    expect(await request?.json()).toEqual({ tokenHash: "5e1c9a7b", type: "email" });
  });

  it("throws the API's problem for a used link and stays signed out", async () => {
    const { client, sessions } = fakeApi(() =>
      Response.json(
        {
          type: "about:blank",
          title: "The request is not valid",
          status: 400,
          code: "bad_request",
        },
        { status: 400, headers: { "content-type": "application/problem+json" } },
      ),
    );
    const refused = await client.confirmEmail("spent").catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(ApiProblem);
    expect((refused as ApiProblem).code).toBe("bad_request");
    expect(client.session).toBeUndefined();
    expect(sessions).toEqual([]);
  });
});

async function credentialsFor(api: TestApi): Promise<[string, string]> {
  const email = `client-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const password = "correct horse battery";
  const created = await fetch(`${api.url}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, fullName: "Client Test" }),
  });
  expect(created.status).toBe(201);
  return [email, password];
}
