// The Auth API's paths (below /auth/v1/) and methods: the GoTrue subset supabase-js uses, and the
// rest of GoTrue's paths answering 501 so that a missing feature is never mistaken for a result.
import type { Endpoint } from "./context.js";
import { adminCreateUser, adminDeleteUser } from "./endpoints/admin.js";
import { authorize } from "./endpoints/authorize.js";
import { adminGenerateLink } from "./endpoints/generate-link.js";
import { jwks } from "./endpoints/jwks.js";
import { logout } from "./endpoints/logout.js";
import { recover } from "./endpoints/recover.js";
import { signup } from "./endpoints/signup.js";
import { token } from "./endpoints/token.js";
import { getUser, putUser } from "./endpoints/user.js";
import { verify, verifyLink } from "./endpoints/verify.js";
import { notImplemented } from "./errors.js";

export interface Route {
  /** Matched against the whole path; capture groups become the endpoint's params. */
  path: RegExp;
  /** By HTTP method; "*" answers every method. */
  methods: Partial<Record<string, Endpoint>>;
}

const unsupported =
  (feature: string): Endpoint =>
  async () => {
    throw notImplemented(feature);
  };

export const ROUTES: readonly Route[] = [
  { path: /^signup$/, methods: { POST: signup } },
  { path: /^token$/, methods: { POST: token } },
  { path: /^logout$/, methods: { POST: logout } },
  { path: /^user$/, methods: { GET: getUser, PUT: putUser } },
  { path: /^recover$/, methods: { POST: recover } },
  { path: /^verify$/, methods: { GET: verifyLink, POST: verify } },
  { path: /^\.well-known\/jwks\.json$/, methods: { GET: jwks } },
  {
    path: /^admin\/users$/,
    methods: { POST: adminCreateUser, GET: unsupported("auth.admin.listUsers") },
  },
  {
    path: /^admin\/users\/([^/]+)$/,
    methods: {
      DELETE: adminDeleteUser,
      GET: unsupported("auth.admin.getUserById"),
      PUT: unsupported("auth.admin.updateUserById"),
    },
  },
  { path: /^admin\/generate_link$/, methods: { POST: adminGenerateLink } },
  { path: /^admin\/.+$/, methods: { "*": unsupported("This Auth admin endpoint") } },
  { path: /^(otp|magiclink)$/, methods: { "*": unsupported("Magic link and OTP sign-in") } },
  { path: /^resend$/, methods: { "*": unsupported("Resending auth emails") } },
  { path: /^invite$/, methods: { "*": unsupported("Inviting users") } },
  { path: /^reauthenticate$/, methods: { "*": unsupported("Reauthentication") } },
  { path: /^authorize$/, methods: { GET: authorize } },
  // Only the local provider exists, and it needs no callback from a provider.
  { path: /^callback$/, methods: { "*": unsupported("OAuth provider callbacks") } },
  { path: /^(sso|saml)(\/.*)?$/, methods: { "*": unsupported("SSO sign-in") } },
  { path: /^factors(\/.*)?$/, methods: { "*": unsupported("Multi-factor authentication") } },
  { path: /^user\/identities(\/.*)?$/, methods: { "*": unsupported("Identity linking") } },
  { path: /^(settings|health)$/, methods: { "*": unsupported("GoTrue's settings and health") } },
];
