// Which packages each function loads while it is imported and answers one request: the function
// runs in a fresh process with child/record-loads.mjs, through @vercel/node's own Node⇄Web
// adapter (so this run is also the proof that the built output answers as it would on Vercel).
// Only modules under the function's own node_modules count, which leaves out the launcher's.
import { mkdtemp, readdir, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { BuiltFunction } from "./functions.js";
import { launchOnce } from "./launch.js";
import { type Probe, probeFor } from "./probes.js";

/**
 * Provider SDKs: heavy, and each needed only by the few endpoints that call that provider.
 * @sentry/node (0.5–0.8 s to import on a loaded 2-core machine) is loaded only to report an
 * unhandled error or a 5xx answer, after the response (lib/monitoring): no function may load it
 * answering its probe, with or without SENTRY_DSN.
 */
export const PROVIDER_SDKS = ["stripe", "razorpay", "resend", "twilio", "openai", "@sentry/node"];
/** Platform SDKs: the pipeline's own (database, rate limits, tokens, validation). */
export const PLATFORM_SDKS = [
  "@supabase/supabase-js",
  "@upstash/redis",
  "@upstash/ratelimit",
  "jose",
  "zod",
];

/** What delivering the notifications a request enqueued may load (lib/notify/providers). */
const NOTIFY_SDKS = ["resend", "twilio"];

/**
 * The provider SDKs a function may load because it calls that provider, by function name
 * (e.g. "api/payments/checkout": ["stripe"]). Every function not listed may load none.
 */
export const PROVIDER_SDKS_USED: Record<string, readonly string[]> = {
  "api/ai/analyze": ["openai"],
  "api/ai/chat": ["openai"],
  "api/ai/generate": ["openai"],
  "api/cron/deliver-notifications": NOTIFY_SDKS,
  "api/cron/settle-payments": ["stripe", "razorpay"],
  "api/payments/confirm": ["stripe", ...NOTIFY_SDKS],
  "api/payments/create-checkout": ["stripe"],
  "api/payments/create-intent": ["stripe"],
  "api/payments/create-order": ["razorpay"],
  "api/payments/refund": ["stripe", "razorpay", ...NOTIFY_SDKS],
  "api/payments/verify": ["razorpay", ...NOTIFY_SDKS],
  "api/subscriptions/index": ["stripe"],
  "api/subscriptions/portal": ["stripe"],
  "api/webhooks/razorpay": ["razorpay", ...NOTIFY_SDKS],
  "api/webhooks/resend": ["resend"],
  "api/webhooks/sandbox": NOTIFY_SDKS,
  "api/webhooks/stripe": ["stripe", ...NOTIFY_SDKS],
  "api/webhooks/twilio": ["twilio"],
};

const RECORD_LOADS = pathToFileURL(join(import.meta.dirname, "child", "record-loads.mjs")).href;

export interface SdkLoadResult {
  function: string;
  status: number;
  providerSdksLoaded: string[];
  platformSdksLoaded: string[];
  /** Provider SDKs loaded that PROVIDER_SDKS_USED does not grant this function. */
  violations: string[];
  /** Watched SDKs copied into the .func by `vercel build` (traced), loaded or not. */
  watchedSdksShipped: string[];
  /** Every package loaded, watched or not. */
  allPackagesLoaded: string[];
}

/**
 * `route` and `probe` default to the function's own (zero-config); a bundled shape names the
 * route its probe reaches and gives the packages bundled into each of its files
 * (dev/build/output.ts), since it has no node_modules to tell them by.
 */
export async function recordSdkLoads(
  fn: BuiltFunction,
  options: { route?: string; probe?: Probe; packagesByFile?: Record<string, string[]> } = {},
): Promise<SdkLoadResult> {
  const route = options.route ?? fn.name;
  const dir = await mkdtemp(join(tmpdir(), "bastion-bench-loads-"));
  try {
    const logFile = join(dir, "loads.log");
    const start = await launchOnce(fn, options.probe ?? probeFor(fn.name), {
      adapter: "node-utils",
      nodeArgs: ["--import", RECORD_LOADS],
      env: { BENCH_LOAD_LOG: logFile },
    });
    const loaded = options.packagesByFile
      ? await bundledPackagesLoaded(fn.funcDir, logFile, options.packagesByFile)
      : await packagesLoaded(fn.funcDir, logFile);
    const shipped = options.packagesByFile
      ? new Set(Object.values(options.packagesByFile).flat())
      : await packagesShipped(fn.funcDir);
    const watched = [...PROVIDER_SDKS, ...PLATFORM_SDKS];
    const allowed = PROVIDER_SDKS_USED[route] ?? [];
    const providerSdksLoaded = PROVIDER_SDKS.filter((name) => loaded.has(name));
    return {
      function: route,
      status: start.response.status,
      providerSdksLoaded,
      platformSdksLoaded: PLATFORM_SDKS.filter((name) => loaded.has(name)),
      violations: providerSdksLoaded.filter((name) => !allowed.includes(name)),
      watchedSdksShipped: watched.filter((name) => shipped.has(name)),
      allPackagesLoaded: [...loaded].sort(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function packagesLoaded(funcDir: string, logFile: string): Promise<Set<string>> {
  const marker = `${sep}node_modules${sep}`;
  const modulesDir = `${await realpath(funcDir)}${marker}`;
  const lines = (await readFile(logFile, "utf8")).split("\n").filter(Boolean);
  const packages = new Set<string>();
  for (const url of lines) {
    const file = url.startsWith("file:") ? fileURLToPath(url) : url;
    if (!file.startsWith(modulesDir)) continue;
    const inner = file.slice(file.lastIndexOf(marker) + marker.length).split(sep);
    const name = inner[0]?.startsWith("@") ? `${inner[0]}/${inner[1]}` : inner[0];
    if (name) packages.add(name);
  }
  return packages;
}

/** The packages in the bundle files the function loaded. */
async function bundledPackagesLoaded(
  funcDir: string,
  logFile: string,
  packagesByFile: Record<string, string[]>,
): Promise<Set<string>> {
  const root = `${await realpath(funcDir)}${sep}`;
  const lines = (await readFile(logFile, "utf8")).split("\n").filter(Boolean);
  const packages = new Set<string>();
  for (const url of lines) {
    const file = url.startsWith("file:") ? fileURLToPath(url) : url;
    if (!file.startsWith(root)) continue;
    const inFunction = file.slice(root.length).split(sep).join("/");
    for (const name of packagesByFile[inFunction] ?? []) packages.add(name);
  }
  return packages;
}

async function packagesShipped(funcDir: string): Promise<Set<string>> {
  const modulesDir = join(funcDir, "node_modules");
  const top = await readdir(modulesDir).catch(() => [] as string[]);
  const names = await Promise.all(
    top.map(async (name) =>
      name.startsWith("@")
        ? (await readdir(join(modulesDir, name))).map((inner) => `${name}/${inner}`)
        : [name],
    ),
  );
  return new Set(names.flat());
}
