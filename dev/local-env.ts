// .env.local: the local stack's URLs and keys, written on every start the way `supabase start`
// prints them, so other tools (scripts, a second terminal, `vercel env`-style loaders) can use
// them. The file is the stack's own and git-ignored; your settings go in .env.
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";

export type EnvValues = Record<string, string>;

export function writeLocalEnv(path: string, values: EnvValues): void {
  const lines = [
    "# Written by `npm run dev` on every start: the local stack's URLs and keys.",
    "# Do not edit; put your own settings in .env (see .env.example).",
    ...Object.entries(values).map(([name, value]) => `${name}=${value}`),
    "",
  ];
  writeFileSync(path, lines.join("\n"), { mode: 0o600 });
}

/** Loads .env into process.env without overriding what the shell already set. */
export function loadUserEnv(path: string): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/**
 * The social channels' OAuth on the local stack (issue 22): a state-signing secret made up per
 * start, and Meta's and TikTok's apps pointed at the dev server's fakes (/__dev/social), unless
 * .env configures real ones. `has` says whether a setting is already there.
 */
export function socialOAuthStandIns(
  apiUrl: string,
  has: (name: string) => boolean,
  fakeEnv: (base: string) => EnvValues,
): EnvValues {
  const values: EnvValues = {};
  if (!has("CHANNEL_OAUTH_STATE_SECRET")) {
    values.CHANNEL_OAUTH_STATE_SECRET = randomBytes(32).toString("base64url");
  }
  const fake = fakeEnv(`${apiUrl.replace(/\/+$/, "")}/__dev/social`);
  const meta = ["META_APP_ID", "META_APP_SECRET", "META_GRAPH_URL", "META_DIALOG_API_URL"];
  const tiktok = [
    "TIKTOK_CLIENT_KEY",
    "TIKTOK_CLIENT_SECRET",
    "TIKTOK_API_URL",
    "TIKTOK_AUTH_API_URL",
  ];
  for (const group of [meta, tiktok]) {
    if (group.some(has)) continue;
    for (const name of group) values[name] = fake[name] as string;
  }
  return values;
}
