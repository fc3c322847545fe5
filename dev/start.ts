// `npm run dev`: the whole product on one machine with no accounts — the Supabase-compatible API
// over PGlite (or DATABASE_URL), the Upstash-compatible endpoint when REDIS_URL is set, and the
// API with Vercel's routing — then one table of URLs and keys, as `supabase start` prints.
// A SUPABASE_URL or UPSTASH_REDIS_REST_URL set in the shell or .env is used instead.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { buildWeb } from "./build-web.js";
import { loadUserEnv, socialOAuthStandIns, writeLocalEnv } from "./local-env.js";
import { PortInUseError, portInUseMessage, takenPortMessages, type WantedPort } from "./ports.js";
import { projectMailTemplates } from "./supabase/auth/mail-templates.js";
import { startSupabase } from "./supabase/server.js";
import { fakeSocialEnv } from "./tools/fake-social-oauth.js";
import { startUpstash } from "./upstash/server.js";
import { startApiServer } from "./vercel/server.js";

const rootDir = process.cwd();
const dataDir = join(rootDir, ".data");
const startedAt = performance.now();

loadUserEnv(join(rootDir, ".env"));
/** An empty line in .env (`PORT=`) means "not set", as in .env.example. */
const setting = (name: string): string | undefined => process.env[name] || undefined;
const port = (name: string, fallback: number) => Number(setting(name) ?? fallback);

// A port another program holds stops the start before anything runs, saying which port and how
// to choose another; one taken in the moment after this check ends it the same way.
const wantedPorts: WantedPort[] = [
  ...(setting("SUPABASE_URL")
    ? []
    : [
        {
          port: port("SUPABASE_PORT", 54321),
          setting: "SUPABASE_PORT",
          serves: "the Supabase API",
        },
      ]),
  ...(setting("REDIS_URL") && !setting("UPSTASH_REDIS_REST_URL")
    ? [
        {
          port: port("UPSTASH_PORT", 8079),
          setting: "UPSTASH_PORT",
          serves: "the Upstash endpoint",
        },
      ]
    : []),
  { port: port("PORT", 3000), setting: "PORT", serves: "the API and the demo app" },
];
process.on("uncaughtException", (error) => {
  const wanted = error instanceof PortInUseError && wantedPorts.find((w) => w.port === error.port);
  void (wanted ? portInUseMessage(wanted) : Promise.resolve(error)).then((message) => {
    console.error(message);
    process.exit(1);
  });
});
const takenPorts = await takenPortMessages(wantedPorts);
if (takenPorts.length > 0) {
  console.error(`\n${takenPorts.join("\n\n")}\n`);
  process.exit(1);
}

// Links in mail, redirects and provider callbacks point at APP_URL, never at a request's Host:
// here the dev server's own address, unless .env names another (a tunnel, say).
const apiPort = port("PORT", 3000);
const appUrl = setting("APP_URL") ?? `http://127.0.0.1:${apiPort}`;

const databaseUrl = setting("DATABASE_URL");
const supabase = setting("SUPABASE_URL")
  ? undefined
  : await startSupabase({
      port: port("SUPABASE_PORT", 54321),
      databaseUrl,
      // pg_cron's jobs run on the clock (reminders, delivery retries, the payments sweep).
      runSchedules: true,
      dataDir: databaseUrl ? undefined : join(dataDir, "pglite"),
      keysFile: join(dataDir, "keys.json"),
      migrationDirs: [join(rootDir, "supabase", "migrations")],
      seedFile: join(rootDir, "supabase", "seed.sql"),
      auth: {
        // Off like `supabase start`; LOCAL_AUTH_EMAIL_CONFIRMATIONS=1 behaves as a hosted project,
        // mailing supabase/templates/confirmation.html's link to APP_URL/auth/confirm.
        emailConfirmations: setting("LOCAL_AUTH_EMAIL_CONFIRMATIONS") === "1",
        siteUrl: appUrl,
        mailTemplates: await projectMailTemplates(rootDir),
        // PGlite cannot be read from outside while this runs: each Auth mail's link is printed.
        onMail: ({ to, subject, body }) => {
          const link = /href="([^"]+)"/.exec(body)?.[1] ?? /https?:\/\/\S+/.exec(body)?.[0];
          console.info(`Auth mail to ${to}: ${subject}\n  ${link ?? body}`);
        },
      },
    });

const redisUrl = setting("REDIS_URL");
const upstash =
  redisUrl && !setting("UPSTASH_REDIS_REST_URL")
    ? await startUpstash({
        port: port("UPSTASH_PORT", 8079),
        redisUrl,
        token: randomBytes(24).toString("base64url"),
      })
    : undefined;

// This process is the local stack: the functions may use its stand-ins (the sandbox payment
// provider, the public development personal-data keys, the local outbox). lib/env.ts refuses the
// setting where NODE_ENV=production or on a Vercel preview or production deployment.
const stackEnv: Record<string, string> = { BASTION_LOCAL_STACK: "1" };
if (supabase) {
  stackEnv.SUPABASE_URL = supabase.url;
  stackEnv.SUPABASE_ANON_KEY = supabase.anonKey;
  stackEnv.SUPABASE_SERVICE_ROLE_KEY = supabase.serviceRoleKey;
}
if (upstash) {
  stackEnv.UPSTASH_REDIS_REST_URL = upstash.url;
  stackEnv.UPSTASH_REDIS_REST_TOKEN = upstash.token;
}
// Cron endpoints refuse to run without a secret; locally one is made up per start, so they can
// be called by hand (`curl -H "Authorization: Bearer $CRON_SECRET" …`).
if (!setting("CRON_SECRET")) stackEnv.CRON_SECRET = randomBytes(24).toString("base64url");
// What the database sends when it calls the functions (pg_net, DATABASE_WEBHOOK_SECRET).
if (!setting("DATABASE_WEBHOOK_SECRET")) {
  stackEnv.DATABASE_WEBHOOK_SECRET = randomBytes(24).toString("base64url");
}

// The AI endpoints answer from the local responder (dev/tools/local-openai.ts, labelled local)
// unless .env has an OpenAI key.
if (!setting("OPENAI_API_KEY") && !setting("OPENAI_API_URL")) {
  stackEnv.OPENAI_API_URL = `http://127.0.0.1:${apiPort}/__dev/openai/v1`;
}
if (!setting("APP_URL")) stackEnv.APP_URL = appUrl;
// Telegram and Viber bots connect and answer against the test channel page's fakes
// (dev/tools/test-channel.ts, /__dev/channels) unless .env points them elsewhere.
if (!setting("TELEGRAM_API_URL")) {
  stackEnv.TELEGRAM_API_URL = `http://127.0.0.1:${apiPort}/__dev/channels/telegram`;
}
if (!setting("VIBER_API_URL")) {
  stackEnv.VIBER_API_URL = `http://127.0.0.1:${apiPort}/__dev/channels/viber`;
}
// Facebook, Instagram and TikTok connect against the dev server's fakes unless .env has apps.
Object.assign(
  stackEnv,
  socialOAuthStandIns(appUrl, (name) => Boolean(setting(name)), fakeSocialEnv),
);
writeLocalEnv(join(rootDir, ".env.local"), stackEnv);
Object.assign(process.env, stackEnv);

// The demo app's bundle, rebuilt on every edit of web/ or client/ while this runs.
const web = await buildWeb({ watch: true });
const api = await startApiServer({ port: apiPort, rootDir });
// The database's triggers and pg_cron jobs call the functions here, as a Supabase project calls
// its deployment: the address and the secret go into Vault, where the migrations read them.
await supabase?.configureDatabaseWebhooks({
  url: api.url,
  secret: process.env.DATABASE_WEBHOOK_SECRET as string,
});

const rows: [string, string][] = [
  ["Demo app", `${api.url}   (book and pay for a session; the sandbox takes the payment)`],
  ["API reference", `${api.url}/docs`],
  ["API", `${api.url}/api   (try ${api.url}/api/health)`],
  ["Outbox", `${api.url}/__dev/outbox   (email and SMS sent locally)`],
  ["Test channel", `${api.url}/__dev/channels   (write as a customer of a connected channel)`],
  supabase
    ? [
        "Supabase API",
        `${supabase.url}   (${databaseUrl ? "PostgreSQL from DATABASE_URL" : "PGlite in .data/pglite"})`,
      ]
    : ["Supabase API", `${setting("SUPABASE_URL")}   (SUPABASE_URL; local stack not started)`],
  ...(supabase
    ? ([
        ["  REST", `${supabase.url}/rest/v1`],
        ["  Auth", `${supabase.url}/auth/v1`],
        ["  Realtime", `${supabase.url.replace(/^http/, "ws")}/realtime/v1/websocket`],
        ["  anon key", supabase.anonKey],
        ["  service_role key", supabase.serviceRoleKey],
      ] as [string, string][])
    : []),
  [
    "Upstash REST",
    upstash
      ? `${upstash.url}   (in front of ${redactCredentials(redisUrl ?? "")})`
      : (setting("UPSTASH_REDIS_REST_URL") ??
        "off (set REDIS_URL to a Redis server to turn it on)"),
  ],
];
const width = Math.max(...rows.map(([name]) => name.length));
console.info(
  [
    "",
    "Bastion is running.",
    "",
    ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
    "",
    supabase
      ? `  Migrations applied now: ${supabase.migrationsApplied.join(", ") || "none (up to date)"}`
      : "",
    `  Local URLs and keys are in .env.local. Ready in ${Math.round(performance.now() - startedAt)} ms.`,
    "",
  ].join("\n"),
);

function redactCredentials(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void Promise.all([web.close(), api.close(), upstash?.close(), supabase?.close()]).finally(() =>
      process.exit(0),
    );
  });
}
