// Configuration: a zod schema per setting, read once per cold start. A few settings every
// deployment needs (configurationProblems: APP_URL, the personal-data keys); without them a
// function refuses to serve and /api/health names what is missing. Every outside provider is
// optional: an endpoint whose provider is missing answers 503 provider_not_configured while the
// rest keep working. The local stand-ins (sandbox payments, development keys, the local outbox)
// run only when the local stack asks for them with BASTION_LOCAL_STACK=1. Values are never
// logged or returned.
import * as z from "zod";
import { ApiError } from "./http/errors.js";
import { log } from "./log.js";

// Builders rather than schemas: a setting's schema is built only when it is set (SETTINGS).

/** The test and local-fake overrides of a provider's address, and other outbound URLs. */
const httpUrl = () => z.url({ protocol: /^https?$/ });
/** A webhook signing secret as Stripe, Resend and Svix print it. */
const signingSecret = () => z.string().startsWith("whsec_");

/** A comma-separated list: items trimmed, empty ones dropped (`a, b,,` is ["a", "b"]). */
const commaSeparated = <T extends z.ZodType<unknown, string[]>>(items: T) =>
  z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(items);

/** A JSON document in one setting, then checked by `shape`. */
const jsonText = <T extends z.ZodType>(shape: T) =>
  z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: "custom", message: "A JSON object" });
        return z.NEVER;
      }
    })
    .pipe(shape);

const origins = () => commaSeparated(z.array(z.url().transform((url) => new URL(url).origin)));

/**
 * Browser extension ids: a Chrome or Edge id (32 letters a–p) or a Firefox add-on id
 * (`name@domain` or `{uuid}`); see lib/auth/extensions.ts.
 */
const extensionIds = () =>
  commaSeparated(
    z.array(z.string().regex(/^(?:[a-p]{32}|[\w.+-]{1,80}@[\w.-]{1,80}|\{[0-9a-fA-F-]{36}\})$/)),
  );

/**
 * Stripe price ids, comma-separated: the first is sold; the others are older prices that
 * subscribers may still be paying, which keep counting as the same tier.
 */
const prices = () => commaSeparated(z.array(z.string().startsWith("price_")).min(1));

/** ISO 3166-1 alpha-2 codes, comma-separated, in either case. */
const countryCodes = () =>
  commaSeparated(
    z
      .array(
        z
          .string()
          .toUpperCase()
          .regex(/^[A-Z]{2}$/),
      )
      .min(1),
  );

/**
 * The app's public address, as an origin (scheme, host, port; no path): the base of every
 * absolute URL Bastion hands out, whatever Host a request names.
 */
const appAddress = () =>
  httpUrl()
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
const calcomEventTypes = () =>
  jsonText(
    z
      .record(z.string().regex(/^[a-z][a-z0-9_-]{0,49}$/), z.number().int().positive())
      .refine((map) => Object.keys(map).length > 0, "At least one session type"),
  );

/** OPERATIONS_THRESHOLDS: condition key → minutes, as a JSON object. */
const operationsThresholds = () =>
  jsonText(z.record(z.string().regex(/^[a-z_]{1,60}$/), z.number().int().min(0).max(100_000)));

/**
 * Each setting's schema, built and applied only when the setting is set. Every function reads
 * the configuration at its cold start, and building every schema up front — as one z.object of
 * optional fields, each wrapped to treat "" as unset — made about 450 zod instances, three
 * quarters of what a typical route builds when it loads. A deployment sets a few dozen.
 */
const SETTINGS = {
  VERCEL_ENV: () => z.enum(["production", "preview", "development"]),
  NODE_ENV: () => z.string(),
  /**
   * "1" on the local stack (`npm run dev`, the tests, the bench): the local stand-ins may run.
   * Refused where NODE_ENV=production or on a Vercel preview or production deployment.
   */
  BASTION_LOCAL_STACK: () => z.enum(["0", "1"]),
  VERCEL_GIT_COMMIT_SHA: () => z.string(),
  /** Origins allowed to call the API from a browser, comma-separated (exact origins()). */
  ALLOWED_ORIGINS: () => origins(),
  /**
   * The browser extensions that are clients of this API, comma-separated ids: they sign in,
   * refresh and sign out with the refresh token in the body (kept in extension storage), and
   * OAuth sign-in may return to them (lib/auth/extensions.ts).
   */
  ALLOWED_EXTENSION_IDS: () => extensionIds(),
  SUPABASE_URL: () => z.url(),
  SUPABASE_ANON_KEY: () => z.string(),
  SUPABASE_SERVICE_ROLE_KEY: () => z.string(),
  /** Only for projects still signing with the legacy shared secret (HS256). */
  SUPABASE_JWT_SECRET: () => z.string().min(32),
  UPSTASH_REDIS_REST_URL: () => z.url(),
  UPSTASH_REDIS_REST_TOKEN: () => z.string(),
  /**
   * How long one Redis call (a rate-limit check included) may take before Redis counts as
   * unreachable; 1500 ms, and 1000 ms for a rate-limit check, when unset. Raise it only where
   * Redis is far away or the machine is loaded (the test suite does).
   */
  REDIS_TIMEOUT_MS: () => z.coerce.number().int().min(50).max(60_000),
  /**
   * Personal-data keys: `kid:base64` pairs, comma-separated, the first sealing new values, and
   * the lookup-hash key. Parsed and validated in lib/crypto/keyring.ts, never logged.
   */
  PERSONAL_DATA_KEYS: () => z.string(),
  PERSONAL_DATA_HMAC_KEY: () => z.string(),
  /** The currency bookings are priced in unless the request names another (ISO 4217). */
  BOOKING_CURRENCY: () => z.string().regex(/^[A-Z]{3}$/),
  /**
   * ISO 3166-1 alpha-2 codes of the countries SMS may go to, comma-separated ("IN,US,GB"); see
   * lib/notify/sms-destination.ts for what unset means.
   */
  SMS_ALLOWED_COUNTRIES: () => countryCodes(),
  /** Vercel Cron sends it as a Bearer token; cron endpoints refuse every other caller. */
  CRON_SECRET: () => z.string().min(16),
  /**
   * What the database sends as a Bearer token when it calls the cron endpoints through pg_net
   * (Database Webhooks, pg_cron jobs); the same value is kept in Supabase Vault.
   */
  DATABASE_WEBHOOK_SECRET: () => z.string().min(16),
  /** Razorpay API keys (Dashboard → Account & Settings → API Keys); both or neither. */
  RAZORPAY_KEY_ID: () => z.string().regex(/^rzp_(test|live)_/),
  RAZORPAY_KEY_SECRET: () => z.string(),
  /** The secret Razorpay signs webhooks with (Dashboard → Webhooks), not the key secret. */
  RAZORPAY_WEBHOOK_SECRET: () => z.string(),
  /** Tests and local fakes only: where the SDK sends requests (local stack only). */
  RAZORPAY_API_URL: () => httpUrl(),
  /** Stripe's secret key (sk_… or a restricted rk_…): intents, Checkout, refunds. */
  STRIPE_SECRET_KEY: () => z.string().regex(/^(sk|rk)_(test|live)_/),
  /** The signing secret of the Stripe webhook endpoint (whsec_…). */
  STRIPE_WEBHOOK_SECRET: () => signingSecret(),
  /** Tests and local fakes only: where Stripe's API is, instead of api.stripe.com. */
  STRIPE_API_URL: () => httpUrl(),
  /**
   * The signing secret of the Stripe Connect webhook endpoint (the one listening to events on
   * connected accounts: account.updated, their payments), not STRIPE_WEBHOOK_SECRET.
   */
  STRIPE_CONNECT_WEBHOOK_SECRET: () => signingSecret(),
  /**
   * The platform's fee on shop payments through Stripe Connect, in basis points of the order's
   * total (250 = 2.5%), kept as the charge's application_fee_amount; 0 or unset: no fee.
   */
  SHOP_PLATFORM_FEE_BPS: () => z.coerce.number().int().min(0).max(5_000),
  /** The recurring Stripe prices() of the extension's paid tiers; both or neither. */
  STRIPE_PRICE_PRO: () => prices(),
  STRIPE_PRICE_PREMIUM: () => prices(),
  /**
   * Web Push (VAPID, lib/push): the application server's P-256 key pair, base64url as
   * `npx web-push generate-vapid-keys` prints it, and the contact the push services see
   * (`mailto:…` or an https URL). All three or none; without them push subscriptions answer 503.
   */
  VAPID_PUBLIC_KEY: () => z.string().regex(/^[A-Za-z0-9_-]{87}$/),
  VAPID_PRIVATE_KEY: () => z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  VAPID_SUBJECT: () => z.string().regex(/^(?:mailto:\S+@\S+|https:\/\/\S+)$/),
  /** Resend's API key (re_…): email notifications; without it the local stack uses the outbox. */
  RESEND_API_KEY: () => z.string().startsWith("re_"),
  /** The sender of notification email, e.g. `Bastion Practice <care@example.com>`. */
  EMAIL_FROM: () => z.string().min(3),
  /** Tests and local fakes only: where Resend's API is, instead of api.resend.com. */
  RESEND_API_URL: () => httpUrl(),
  /** The signing secret of the Resend webhook endpoint (whsec_…): delivery status. */
  RESEND_WEBHOOK_SECRET: () => signingSecret(),
  /** Twilio credentials and sending number (E.164) for SMS notifications; all three or none. */
  TWILIO_ACCOUNT_SID: () => z.string().regex(/^AC[0-9a-fA-F]{32}$/),
  TWILIO_AUTH_TOKEN: () => z.string().min(16),
  TWILIO_FROM: () => z.string().regex(/^\+[1-9][0-9]{1,14}$/),
  /** Tests and local fakes only: where Twilio's API is, instead of api.twilio.com. */
  TWILIO_API_URL: () => httpUrl(),
  /**
   * Cal.com API v2 key (cal_live_… / cal_…): with CALCOM_EVENT_TYPE_IDS, the session types named
   * there are scheduled on Cal.com (lib/scheduling/calcom). Never logged or returned.
   */
  CALCOM_API_KEY: () => z.string().min(8),
  /** Session-type slug → Cal.com event type id, as a JSON object; see calcomEventTypes(). */
  CALCOM_EVENT_TYPE_IDS: () => calcomEventTypes(),
  /** The secret of the Cal.com webhook (Settings → Developer → Webhooks) that signs deliveries. */
  CALCOM_WEBHOOK_SECRET: () => z.string().min(16),
  /** Tests and local fakes only: where Cal.com's API is, instead of https://api.cal.com. */
  CALCOM_API_URL: () => httpUrl(),
  /** OpenAI's API key (sk-…): the AI endpoints (lib/ai). Never logged or returned. */
  OPENAI_API_KEY: () => z.string().min(20),
  /**
   * Tests and the local stack only: where OpenAI's API is (its /v1 base, e.g. the local
   * responder at http://127.0.0.1:3000/__dev/openai/v1), instead of https://api.openai.com/v1.
   */
  OPENAI_API_URL: () => httpUrl(),
  /** Tests and local fakes only: where the Telegram Bot API is, instead of api.telegram.org. */
  TELEGRAM_API_URL: () => httpUrl(),
  /** Tests and local fakes only: where Viber's REST bot API is, instead of chatapi.viber.com/pa. */
  VIBER_API_URL: () => httpUrl(),
  /**
   * Signs the state of the social channels' OAuth connect (lib/channels/oauth/state.ts, HS256):
   * at least 32 characters. Unset: Facebook, Instagram and TikTok connect answer 503.
   */
  CHANNEL_OAUTH_STATE_SECRET: () => z.string().min(32),
  /** The Meta app (Facebook Login) that connects Facebook Pages and Instagram accounts. */
  META_APP_ID: () => z.string().regex(/^\d{5,25}$/),
  /** The Meta app's secret: code exchange and appsecret_proof. Never logged or returned. */
  META_APP_SECRET: () => z.string().min(16),
  /**
   * What the Meta app's dashboard sends as hub.verify_token when /api/webhooks/meta is saved as
   * its callback URL (any random string of 16 or more characters, set in both places).
   */
  META_WEBHOOK_VERIFY_TOKEN: () => z.string().min(16).max(200),
  /** The Graph API version the connect flow calls (v24.0 when unset). */
  META_GRAPH_VERSION: () => z.string().regex(/^v\d{1,3}\.\d$/),
  /** Tests and local fakes only: where graph.facebook.com is. */
  META_GRAPH_URL: () => httpUrl(),
  /** Tests and local fakes only: where Facebook Login's dialog (www.facebook.com) is. */
  META_DIALOG_API_URL: () => httpUrl(),
  /** TikTok Login Kit (v2): the app's client key and secret. */
  TIKTOK_CLIENT_KEY: () => z.string().regex(/^[A-Za-z0-9]{8,64}$/),
  TIKTOK_CLIENT_SECRET: () => z.string().min(16),
  /** Tests and local fakes only: where open.tiktokapis.com is. */
  TIKTOK_API_URL: () => httpUrl(),
  /** Tests and local fakes only: where TikTok's authorization page (www.tiktok.com) is. */
  TIKTOK_AUTH_API_URL: () => httpUrl(),
  /** How long one AI call may wait on OpenAI, retries included; 30000 ms when unset. */
  OPENAI_TIMEOUT_MS: () => z.coerce.number().int().min(200).max(120_000),
  /**
   * The flight provider (lib/travel): kiwi (Tequila, KIWI_API_KEY), duffel (DUFFEL_ACCESS_TOKEN)
   * or sandbox (the local stack's offline itineraries). Unset: the one whose key is set, else
   * the sandbox on the local stack, else flights answer 503 provider_not_configured.
   */
  FLIGHT_PROVIDER: () => z.enum(["kiwi", "duffel", "sandbox"]),
  /** Kiwi.com Tequila API key, sent as the `apikey` header. */
  KIWI_API_KEY: () => z.string().min(8),
  /** Tests and local fakes only: where Tequila is, instead of https://api.tequila.kiwi.com. */
  KIWI_API_URL: () => httpUrl(),
  /** Duffel access token (duffel_test_… / duffel_live_…), sent as a Bearer token. */
  DUFFEL_ACCESS_TOKEN: () => z.string().regex(/^duffel_(test|live)_/),
  /** Tests and local fakes only: where Duffel is, instead of https://api.duffel.com. */
  DUFFEL_API_URL: () => httpUrl(),
  /**
   * Operations (lib/operations): minutes an item may stay stuck before it counts, per condition
   * key, as a JSON object (`{"webhook_events_failing": 30, "captures_unmatched": 10}`); the
   * conditions not named keep their defaults (OPERATIONS_DEFAULT_MINUTES).
   */
  OPERATIONS_THRESHOLDS: () => operationsThresholds(),
  /** How many runs in a row a scheduled job may miss before it counts as late; 2 when unset. */
  OPERATIONS_JOB_MISSED_RUNS: () => z.coerce.number().int().min(1).max(30),
  /** Where operations alerts are emailed (through the outbox); PRACTICE_EMAIL when unset. */
  OPERATIONS_ALERT_EMAIL: () => z.email(),
  /** An https URL (a Slack incoming webhook, or any) that also gets each alert as signed JSON. */
  OPERATIONS_ALERT_WEBHOOK_URL: () => httpUrl(),
  /** The HMAC-SHA256 key of the alert webhook's X-Bastion-Signature header. */
  OPERATIONS_ALERT_WEBHOOK_SECRET: () => z.string().min(16),
  /**
   * Sentry's DSN (https://<key>@<host>/<project>): unhandled errors and 5xx answers are reported
   * (lib/monitoring), with the request id, route and release and nothing personal. Unset: the SDK
   * is never loaded.
   */
  SENTRY_DSN: () => httpUrl(),
  /** The practice's name and address as notifications show them. */
  PRACTICE_NAME: () => z.string().min(1).max(100),
  PRACTICE_EMAIL: () => z.email(),
  /**
   * The app's public origin: links in email, redirects, provider callbacks. Required on every
   * deployment; see appUrl().
   */
  APP_URL: () => appAddress(),
} satisfies Record<string, () => z.ZodType>;

/** The configuration: every setting is optional here; configurationProblems names the required. */
export type Env = {
  [Name in keyof typeof SETTINGS]?: z.output<ReturnType<(typeof SETTINGS)[Name]>> | undefined;
};

let loaded: Env | undefined;
/** The variables that were set but failed validation (and so count as not configured). */
let invalid: ReadonlySet<string> = new Set();

/**
 * The validated configuration, read once per instance. An unset variable and an empty line in
 * .env (`KEY=`) both mean "not configured"; so does a value that fails validation (logged by
 * name, never by value).
 */
export function env(): Env {
  if (loaded) return loaded;
  const config: Record<string, unknown> = {};
  const failed: string[] = [];
  for (const [name, schemaOf] of Object.entries(SETTINGS) as [string, () => z.ZodType][]) {
    const value = process.env[name];
    if (value === undefined || value === "") continue;
    const parsed = schemaOf().safeParse(value);
    if (parsed.success) config[name] = parsed.data;
    else failed.push(name);
  }
  invalid = new Set(failed);
  if (failed.length > 0) log.error("configuration_invalid", { variables: failed });
  loaded = config as Env;
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
