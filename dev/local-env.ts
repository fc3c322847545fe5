// .env.local: the local stack's URLs and keys, written on every start the way `supabase start`
// prints them, so other tools (scripts, a second terminal, `vercel env`-style loaders) can use
// them. The file is the stack's own and git-ignored; your settings go in .env.
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
