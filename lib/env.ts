// Configuration: one zod schema, read once per cold start. A few settings every deployment needs
// (configurationProblems: APP_URL, the personal-data keys); without them a function refuses to
// serve and /api/health names what is missing. Every outside provider is optional: an endpoint
// whose provider is missing answers 503 provider_not_configured while the rest keep working.
// The local stand-ins (sandbox payments, development keys, the local outbox) run only when the
// local stack asks for them with BASTION_LOCAL_STACK=1. Values are never logged or returned.
import * as z from "zod";
import { ApiError } from "./http/errors.js";
import { log } from "./log.js";

/** An unset variable and an empty line in .env (`KEY=`) both mean "not configured". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

/** A comma-separated list: items trimmed, empty ones dropped (`a, b,,` is ["a", "b"]). */
const commaSeparated = z.string().transform((text) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean),
);

const origins = commaSeparated.pipe(z.array(z.url().transform((url) => new URL(url).origin)));

/**
 * Browser extension ids: a Chrome or Edge id (32 letters a–p) or a Firefox add-on id
 * (`name@domain` or `{uuid}`); see lib/auth/extensions.ts.
 */
const extensionIds = commaSeparated.pipe(
  z.array(z.string().regex(/^(?:[a-p]{32}|[\w.+-]{1,80}@[\w.-]{1,80}|\{[0-9a-fA-F-]{36}\})$/)),
);

/**
 * Stripe price ids, comma-separated: the first is sold; the others are older prices that
 * subscribers may still be paying, which keep counting as the same tier.
 */
const prices = commaSeparated.pipe(z.array(z.string().startsWith("price_")).min(1));

/** An ISO 3166-1 alpha-2 code, in either case. */
const countryCode = z
  .string()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/);
const countryCodes = commaSeparated.pipe(z.array(countryCode).min(1));

/**
 * The app's public address, as an origin (scheme, host, port; no path): the base of every
 * absolute URL Bastion hands out, whatever Host a request names.
 */
const appAddress = z
  .url({ protocol: /^https?$/ })
  .refine((url) => {
    if (!URL.canParse(url)) return false;
    const { pathname, search, hash } = new URL(url);
    return pathname === "/" && search === "" && hash === "";
  }, "An origin without a path, such as https://app.example.com")
  .transform((url) => new URL(url).origin);

/**
 * CALCOM_EVENT_TYPE_IDS: a JSON object from session-type slug to the Cal.com event type id that
 * schedules it, such as `{"individual": 1234567, "couples": 1234568}`.
 */
const calcomEventTypes = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: "custom", message: "A JSON object" });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .record(z.string().regex(/^[a-z][a-z0-9_-]{0,49}$/), z.number().int().positive())
      .refine((map) => Object.keys(map).length > 0, "At least one session type"),
  );

/** OPERATIONS_THRESHOLDS: condition key → minutes, as a JSON object. */
const operationsThresholds = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({ code: "custom", message: "A JSON object" });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().regex(/^[a-z_]{1,60}$/), z.number().int().min(0).max(100_000)));

const EnvSchema = z.object({
  VERCEL_ENV: optional(z.enum(["production", "preview", "development"])),
  NODE_ENV: optional(z.string()),
  /**
   * "1" on the local stack (`npm run dev`, the tests, the bench): the local stand-ins may run.
   * Refused where NODE_ENV=production or on a Vercel preview or production deployment.
   */
  BASTION_LOCAL_STACK: optional(z.enum(["0", "1"])),
  VERCEL_GIT_COMMIT_SHA: optional(z.string()),
  /** Origins allowed to call the API from a browser, comma-separated (exact origins). */
  ALLOWED_ORIGINS: optional(origins),
  /**
   * The browser extensions that are clients of this API, comma-separated ids: they sign in,
   * refresh and sign out with the refresh token in the body (kept in extension storage), and
   * OAuth sign-in may return to them (lib/auth/extensions.ts).
   */
  ALLOWED_EXTENSION_IDS: optional(extensionIds),
  SUPABASE_URL: optional(z.url()),
  SUPABASE_ANON_KEY: optional(z.string()),
  SUPABASE_SERVICE_ROLE_KEY: optional(z.string()),
  /** Only for projects still signing with the legacy shared secret (HS256). */
  SUPABASE_JWT_SECRET: optional(z.string().min(32)),
  UPSTASH_REDIS_REST_URL: optional(z.url()),
  UPSTASH_REDIS_REST_TOKEN: optional(z.string()),
  /**
   * How long one Redis call (a rate-limit check included) may take before Redis counts as
   * unreachable; 1500 ms, and 1000 ms for a rate-limit check, when unset. Raise it only where
   * Redis is far away or the machine is loaded (the test suite does).
   */
  REDIS_TIMEOUT_MS: optional(z.coerce.number().int().min(50).max(60_000)),
  /**
   * Personal-data keys: `kid:base64` pairs, comma-separated, the first sealing new values, and
   * the lookup-hash key. Parsed and validated in lib/crypto/keyring.ts, never logged.
   */
  PERSONAL_DATA_KEYS: optional(z.string()),
  PERSONAL_DATA_HMAC_KEY: optional(z.string()),
  /** The currency bookings are priced in unless the request names another (ISO 4217). */
  BOOKING_CURRENCY: optional(z.string().regex(/^[A-Z]{3}$/)),
  /**
   * ISO 3166-1 alpha-2 codes of the countries SMS may go to, comma-separated ("IN,US,GB"); see
   * lib/notify/sms-destination.ts for what unset means.
   */
  SMS_ALLOWED_COUNTRIES: optional(countryCodes),
  /** Vercel Cron sends it as a Bearer token; cron endpoints refuse every other caller. */
  CRON_SECRET: optional(z.string().min(16)),
  /**
   * What the database sends as a Bearer token when it calls the cron endpoints through pg_net
   * (Database Webhooks, pg_cron jobs); the same value is kept in Supabase Vault.
   */
  DATABASE_WEBHOOK_SECRET: optional(z.string().min(16)),
  /** Razorpay API keys (Dashboard → Account & Settings → API Keys); both or neither. */
  RAZORPAY_KEY_ID: optional(z.string().regex(/^rzp_(test|live)_/)),
  RAZORPAY_KEY_SECRET: optional(z.string()),
  /** The secret Razorpay signs webhooks with (Dashboard → Webhooks), not the key secret. */
  RAZORPAY_WEBHOOK_SECRET: optional(z.string()),
  /** Tests and local fakes only: where the SDK sends requests (local stack only). */
  RAZORPAY_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /** Stripe's secret key (sk_… or a restricted rk_…): intents, Checkout, refunds. */
  STRIPE_SECRET_KEY: optional(z.string().regex(/^(sk|rk)_(test|live)_/)),
  /** The signing secret of the Stripe webhook endpoint (whsec_…). */
  STRIPE_WEBHOOK_SECRET: optional(z.string().startsWith("whsec_")),
  /** Tests and local fakes only: where Stripe's API is, instead of api.stripe.com. */
  STRIPE_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /**
   * The signing secret of the Stripe Connect webhook endpoint (the one listening to events on
   * connected accounts: account.updated, their payments), not STRIPE_WEBHOOK_SECRET.
   */
  STRIPE_CONNECT_WEBHOOK_SECRET: optional(z.string().startsWith("whsec_")),
  /**
   * The platform's fee on shop payments through Stripe Connect, in basis points of the order's
   * total (250 = 2.5%), kept as the charge's application_fee_amount; 0 or unset: no fee.
   */
  SHOP_PLATFORM_FEE_BPS: optional(z.coerce.number().int().min(0).max(5_000)),
  /** The recurring Stripe prices of the extension's paid tiers; both or neither. */
  STRIPE_PRICE_PRO: optional(prices),
  STRIPE_PRICE_PREMIUM: optional(prices),
  /**
   * Web Push (VAPID, lib/push): the application server's P-256 key pair, base64url as
   * `npx web-push generate-vapid-keys` prints it, and the contact the push services see
   * (`mailto:…` or an https URL). All three or none; without them push subscriptions answer 503.
   */
  VAPID_PUBLIC_KEY: optional(z.string().regex(/^[A-Za-z0-9_-]{87}$/)),
  VAPID_PRIVATE_KEY: optional(z.string().regex(/^[A-Za-z0-9_-]{43}$/)),
  VAPID_SUBJECT: optional(z.string().regex(/^(?:mailto:\S+@\S+|https:\/\/\S+)$/)),
  /** Resend's API key (re_…): email notifications; without it the local stack uses the outbox. */
  RESEND_API_KEY: optional(z.string().startsWith("re_")),
  /** The sender of notification email, e.g. `Bastion Practice <care@example.com>`. */
  EMAIL_FROM: optional(z.string().min(3)),
  /** Tests and local fakes only: where Resend's API is, instead of api.resend.com. */
  RESEND_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /** The signing secret of the Resend webhook endpoint (whsec_…): delivery status. */
  RESEND_WEBHOOK_SECRET: optional(z.string().startsWith("whsec_")),
  /** Twilio credentials and sending number (E.164) for SMS notifications; all three or none. */
  TWILIO_ACCOUNT_SID: optional(z.string().regex(/^AC[0-9a-fA-F]{32}$/)),
  TWILIO_AUTH_TOKEN: optional(z.string().min(16)),
  TWILIO_FROM: optional(z.string().regex(/^\+[1-9][0-9]{1,14}$/)),
  /** Tests and local fakes only: where Twilio's API is, instead of api.twilio.com. */
  TWILIO_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /**
   * Cal.com API v2 key (cal_live_… / cal_…): with CALCOM_EVENT_TYPE_IDS, the session types named
   * there are scheduled on Cal.com (lib/scheduling/calcom). Never logged or returned.
   */
  CALCOM_API_KEY: optional(z.string().min(8)),
  /** Session-type slug → Cal.com event type id, as a JSON object; see calcomEventTypes. */
  CALCOM_EVENT_TYPE_IDS: optional(calcomEventTypes),
  /** The secret of the Cal.com webhook (Settings → Developer → Webhooks) that signs deliveries. */
  CALCOM_WEBHOOK_SECRET: optional(z.string().min(16)),
  /** Tests and local fakes only: where Cal.com's API is, instead of https://api.cal.com. */
  CALCOM_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /** OpenAI's API key (sk-…): the AI endpoints (lib/ai). Never logged or returned. */
  OPENAI_API_KEY: optional(z.string().min(20)),
  /**
   * Tests and the local stack only: where OpenAI's API is (its /v1 base, e.g. the local
   * responder at http://127.0.0.1:3000/__dev/openai/v1), instead of https://api.openai.com/v1.
   */
  OPENAI_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /** Tests and local fakes only: where the Telegram Bot API is, instead of api.telegram.org. */
  TELEGRAM_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /** Tests and local fakes only: where Viber's REST bot API is, instead of chatapi.viber.com/pa. */
  VIBER_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /**
   * Signs the state of the social channels' OAuth connect (lib/channels/oauth/state.ts, HS256):
   * at least 32 characters. Unset: Facebook, Instagram and TikTok connect answer 503.
   */
  CHANNEL_OAUTH_STATE_SECRET: optional(z.string().min(32)),
  /** The Meta app (Facebook Login) that connects Facebook Pages and Instagram accounts. */
  META_APP_ID: optional(z.string().regex(/^\d{5,25}$/)),
  /** The Meta app's secret: code exchange and appsecret_proof. Never logged or returned. */
  META_APP_SECRET: optional(z.string().min(16)),
  /**
   * What the Meta app's dashboard sends as hub.verify_token when /api/webhooks/meta is saved as
   * its callback URL (any random string of 16 or more characters, set in both places).
   */
  META_WEBHOOK_VERIFY_TOKEN: optional(z.string().min(16).max(200)),
  /** The Graph API version the connect flow calls (v24.0 when unset). */
  META_GRAPH_VERSION: optional(z.string().regex(/^v\d{1,3}\.\d$/)),
  /** Tests and local fakes only: where graph.facebook.com is. */
  META_GRAPH_URL: optional(z.url({ protocol: /^https?$/ })),
  /** Tests and local fakes only: where Facebook Login's dialog (www.facebook.com) is. */
  META_DIALOG_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /** TikTok Login Kit (v2): the app's client key and secret. */
  TIKTOK_CLIENT_KEY: optional(z.string().regex(/^[A-Za-z0-9]{8,64}$/)),
  TIKTOK_CLIENT_SECRET: optional(z.string().min(16)),
  /** Tests and local fakes only: where open.tiktokapis.com is. */
  TIKTOK_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /** Tests and local fakes only: where TikTok's authorization page (www.tiktok.com) is. */
  TIKTOK_AUTH_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /** How long one AI call may wait on OpenAI, retries included; 30000 ms when unset. */
  OPENAI_TIMEOUT_MS: optional(z.coerce.number().int().min(200).max(120_000)),
  /**
   * The flight provider (lib/travel): kiwi (Tequila, KIWI_API_KEY), duffel (DUFFEL_ACCESS_TOKEN)
   * or sandbox (the local stack's offline itineraries). Unset: the one whose key is set, else
   * the sandbox on the local stack, else flights answer 503 provider_not_configured.
   */
  FLIGHT_PROVIDER: optional(z.enum(["kiwi", "duffel", "sandbox"])),
  /** Kiwi.com Tequila API key, sent as the `apikey` header. */
  KIWI_API_KEY: optional(z.string().min(8)),
  /** Tests and local fakes only: where Tequila is, instead of https://api.tequila.kiwi.com. */
  KIWI_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /** Duffel access token (duffel_test_… / duffel_live_…), sent as a Bearer token. */
  DUFFEL_ACCESS_TOKEN: optional(z.string().regex(/^duffel_(test|live)_/)),
  /** Tests and local fakes only: where Duffel is, instead of https://api.duffel.com. */
  DUFFEL_API_URL: optional(z.url({ protocol: /^https?$/ })),
  /**
   * Operations (lib/operations): minutes an item may stay stuck before it counts, per condition
   * key, as a JSON object (`{"webhook_events_failing": 30, "captures_unmatched": 10}`); the
   * conditions not named keep their defaults (OPERATIONS_DEFAULT_MINUTES).
   */
  OPERATIONS_THRESHOLDS: optional(operationsThresholds),
  /** How many runs in a row a scheduled job may miss before it counts as late; 2 when unset. */
  OPERATIONS_JOB_MISSED_RUNS: optional(z.coerce.number().int().min(1).max(30)),
  /** Where operations alerts are emailed (through the outbox); PRACTICE_EMAIL when unset. */
  OPERATIONS_ALERT_EMAIL: optional(z.email()),
  /** An https URL (a Slack incoming webhook, or any) that also gets each alert as signed JSON. */
  OPERATIONS_ALERT_WEBHOOK_URL: optional(z.url({ protocol: /^https?$/ })),
  /** The HMAC-SHA256 key of the alert webhook's X-Bastion-Signature header. */
  OPERATIONS_ALERT_WEBHOOK_SECRET: optional(z.string().min(16)),
  /**
   * Sentry's DSN (https://<key>@<host>/<project>): unhandled errors and 5xx answers are reported
   * (lib/monitoring), with the request id, route and release and nothing personal. Unset: the SDK
   * is never loaded.
   */
  SENTRY_DSN: optional(z.url({ protocol: /^https?$/ })),
  /** The practice's name and address as notifications show them. */
  PRACTICE_NAME: optional(z.string().min(1).max(100)),
  PRACTICE_EMAIL: optional(z.email()),
  /**
   * The app's public origin: links in email, redirects, provider callbacks. Required on every
   * deployment; see appUrl().
   */
  APP_URL: optional(appAddress),
});

export type Env = z.infer<typeof EnvSchema>;

let loaded: Env | undefined;
/** The variables that were set but failed validation (and so count as not configured). */
let invalid: ReadonlySet<string> = new Set();

/** The validated configuration; a variable that fails validation counts as not configured. */
export function env(): Env {
  if (loaded) return loaded;
  // Parsed once per instance, so without zod's JIT: compiling a parser for a hundred settings
  // costs a cold start more than it could ever save (measured: ~5 ms against ~2 ms).
  const result = EnvSchema.safeParse(process.env, { jitless: true });
  if (result.success) {
    loaded = result.data;
    return loaded;
  }
  invalid = new Set(result.error.issues.map((issue) => String(issue.path[0])));
  log.error("configuration_invalid", { variables: [...invalid] });
  const sanitized = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !invalid.has(name)),
  );
  loaded = EnvSchema.parse(sanitized, { jitless: true });
  return loaded;
}

/**
 * Where the local stack must never run: NODE_ENV=production, or a Vercel production or preview
 * deployment (a preview can point at a database with real customers in it).
 */
const productionHost = (config: Env) =>
  config.NODE_ENV === "production" ||
  config.VERCEL_ENV === "production" ||
  config.VERCEL_ENV === "preview";

/**
 * Whether the local stand-ins may run: the sandbox payment provider, the public development
 * personal-data keys, the local outbox, SMS to every known country, the `local` OAuth provider
 * and the provider URL overrides (RAZORPAY_API_URL, STRIPE_API_URL, RESEND_API_URL,
 * TWILIO_API_URL, CALCOM_API_URL, OPENAI_API_URL, TELEGRAM_API_URL, VIBER_API_URL, META_GRAPH_URL, META_DIALOG_API_URL, TIKTOK_API_URL, TIKTOK_AUTH_API_URL, and the local AI responder). Only when asked for with BASTION_LOCAL_STACK=1, as `npm run dev`, the tests
 * and the bench do, and never on a production host: there the setting is a start-up error
 * (configurationProblems) and this answers false.
 */
export const localStackEnabled = () => env().BASTION_LOCAL_STACK === "1" && !productionHost(env());

/** A setting this deployment cannot serve without, by name (never its value). */
export interface ConfigurationProblem {
  setting: string;
  /** missing: not set; invalid: set but unusable; refused: set where it must not be. */
  problem: "missing" | "invalid" | "refused";
}

/**
 * What stops this deployment from serving: APP_URL unset (every absolute URL comes from it), the
 * personal-data keys unset outside the local stack (the local stack has public stand-ins), or
 * the local stack asked for on a production host. Every function but /api/health refuses to
 * serve while this is not empty (lib/http/startup-check.ts); /api/health lists it.
 */
export function configurationProblems(): ConfigurationProblem[] {
  const config = env();
  const problems: ConfigurationProblem[] = [];
  if (config.BASTION_LOCAL_STACK === "1" && productionHost(config)) {
    problems.push({ setting: "BASTION_LOCAL_STACK", problem: "refused" });
  }
  const required: (keyof Env)[] = localStackEnabled()
    ? ["APP_URL"]
    : ["APP_URL", "PERSONAL_DATA_KEYS", "PERSONAL_DATA_HMAC_KEY"];
  for (const setting of required) {
    if (config[setting] === undefined) {
      problems.push({ setting, problem: invalid.has(setting) ? "invalid" : "missing" });
    }
  }
  return problems;
}

/**
 * APP_URL, the app's origin: the one base of every absolute URL Bastion puts in an email, a
 * redirect, a provider callback or a request — never the Host a request names, which its sender
 * chooses. Functions refuse to serve without it (configurationProblems), so this throws only
 * in code that runs outside one (a script, a test).
 */
export function appUrl(): string {
  const url = env().APP_URL;
  if (url === undefined) throw new Error("APP_URL is not set: set it to the app's public origin.");
  return url;
}

/** The named settings, or 503 provider_not_configured for the endpoint that needs them. */
export function requireConfig<K extends keyof Env>(
  feature: string,
  ...names: K[]
): { [P in K]-?: NonNullable<Env[P]> } {
  const config = env();
  const missing = names.filter((name) => config[name] === undefined);
  if (missing.length > 0) {
    log.warn("provider_not_configured", { feature, missing });
    throw new ApiError("provider_not_configured", `${feature} is not configured on this server.`);
  }
  return Object.fromEntries(names.map((name) => [name, config[name]])) as never;
}
