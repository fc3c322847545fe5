// The typed client for single-page apps: openapi-fetch over the types generated from Bastion's
// OpenAPI document (api-types.ts), so a path, a body or a field the API does not have is a
// compile error in the app. It keeps the session the way the API wants it kept:
// - the access token lives in this closure only (never localStorage, never a cookie a script can
//   read), and is renewed a minute before it expires;
// - the refresh token is the API's httpOnly cookie: `restoreSession()` after a page load and
//   every renewal call POST /api/auth/refresh with the header that proves a same-origin caller.
// Every failed call throws ApiProblem (problem+json as sent), through `unwrap`.
import createClient, { type Middleware } from "openapi-fetch";
import { ApiProblem } from "./api-problem.js";
import type { components, paths } from "./api-types.js";

export type Session = components["schemas"]["Session"];
export type Schemas = components["schemas"];
export type NewAccount =
  paths["/api/auth/register"]["post"]["requestBody"]["content"]["application/json"];
/**
 * What signUp() answers when Supabase Auth confirms email addresses (a project's default): no
 * session yet; the person follows the mailed link, and the app's /auth/confirm page calls
 * confirmEmail().
 */
export type ConfirmationRequired = Schemas["ConfirmationRequired"];
/** `"confirmationRequired" in result` tells the two apart. */
export type SignUpResult = Session | ConfirmationRequired;
export type EmailConfirmationType = NonNullable<
  paths["/api/auth/confirm"]["post"]["requestBody"]["content"]["application/json"]["type"]
>;

/** Renew the access token this long before it expires, so no call goes out with a stale one. */
const RENEW_BEFORE_SECONDS = 60;
/** The endpoints that take no bearer token: they are how one is obtained. */
const SESSION_PATHS = new Set([
  "/api/auth/login",
  "/api/auth/register",
  "/api/auth/confirm",
  "/api/auth/refresh",
  "/api/auth/reset-password",
]);
const SAME_ORIGIN_HEADER = { "X-Requested-With": "bastion-client" };

export interface BastionClientOptions {
  /** Where Bastion answers; "" (the default) is this page's own origin. */
  baseUrl?: string;
  /** Called whenever the signed-in session starts, is renewed or ends (undefined). */
  onSessionChange?: (session: Session | undefined) => void;
  fetch?: (request: Request) => Promise<Response>;
}

export type BastionClient = ReturnType<typeof createBastionClient>;

export function createBastionClient(options: BastionClientOptions = {}) {
  let session: Session | undefined;
  let renewal: Promise<Session | undefined> | undefined;

  const api = createClient<paths>({
    baseUrl: options.baseUrl ?? "",
    credentials: "same-origin",
    ...(options.fetch && { fetch: options.fetch }),
  });

  const setSession = (next: Session | undefined) => {
    session = next;
    options.onSessionChange?.(next);
  };

  /** One renewal at a time: concurrent calls share it, and a refresh cookie is spent once. */
  const renew = (): Promise<Session | undefined> => {
    renewal ??= api
      .POST("/api/auth/refresh", { headers: SAME_ORIGIN_HEADER })
      .then(({ data }) => {
        setSession(data);
        return data;
      })
      .finally(() => {
        renewal = undefined;
      });
    return renewal;
  };

  const bearer: Middleware = {
    async onRequest({ request, schemaPath }) {
      if (SESSION_PATHS.has(schemaPath)) return request;
      if (session && session.expiresAt - RENEW_BEFORE_SECONDS <= Date.now() / 1000) await renew();
      if (session) request.headers.set("Authorization", `Bearer ${session.accessToken}`);
      return request;
    },
    onResponse({ request, response }) {
      // A token the API no longer accepts means the session ended elsewhere (sign-out on
      // another device, password change): the app shows itself signed out.
      if (response.status === 401 && request.headers.has("Authorization")) setSession(undefined);
      return response;
    },
    onError({ error }) {
      return ApiProblem.offline(error);
    },
  };
  api.use(bearer);

  return {
    /** Every endpoint, typed: `api.GET("/api/bookings/{id}", { params: { path: { id } } })`. */
    api,
    get session(): Session | undefined {
      return session;
    },
    /** After a page load: the session the refresh cookie still holds, if any. */
    async restoreSession(): Promise<Session | undefined> {
      return renew();
    },
    async signIn(email: string, password: string): Promise<Session> {
      const signedIn = unwrap(await api.POST("/api/auth/login", { body: { email, password } }));
      setSession(signedIn);
      return signedIn;
    },
    /**
     * The new session (201), or `{confirmationRequired: true}` (202) when the address must be
     * confirmed first: then nobody is signed in, and the app says to check the inbox.
     */
    async signUp(account: NewAccount): Promise<SignUpResult> {
      const created: SignUpResult = unwrap(await api.POST("/api/auth/register", { body: account }));
      if ("confirmationRequired" in created) return { confirmationRequired: true };
      setSession(created);
      return created;
    },
    /**
     * Confirms the address with `token_hash` and `type` from the confirmation link
     * (`/auth/confirm#token_hash=…&type=email`) and signs in. Call it when the person presses
     * a button on that page, not on load: the token works once.
     */
    async confirmEmail(tokenHash: string, type: EmailConfirmationType = "email"): Promise<Session> {
      const signedIn = unwrap(await api.POST("/api/auth/confirm", { body: { tokenHash, type } }));
      setSession(signedIn);
      return signedIn;
    },
    /** Sets a new password with the token from a reset link's `#token=`; signs in with it. */
    async resetPassword(token: string, password: string): Promise<Session> {
      const signedIn = unwrap(
        await api.POST("/api/auth/reset-password", { body: { token, password } }),
      );
      setSession(signedIn);
      return signedIn;
    },
    async signOut(): Promise<void> {
      try {
        unwrap(await api.POST("/api/auth/logout", { headers: SAME_ORIGIN_HEADER }));
      } finally {
        setSession(undefined);
      }
    },
  };
}

/** The data of a successful call; an ApiProblem for anything else. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw ApiProblem.fromResponse(result.response, result.error);
  }
  return result.data as T;
}

export { ApiProblem };
