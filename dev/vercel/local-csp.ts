// The pages' Content-Security-Policy (vercel.json) lets scripts connect to the hosted Supabase
// project (`https://*.supabase.co wss://*.supabase.co`), where the shop inbox opens Realtime. On
// the local stack Realtime is the local Supabase API (SUPABASE_URL, an http:// origin on its own
// port), which that policy does not name: the dev server adds that one origin, and its ws://
// twin, to connect-src, the way vercel.json names the hosted one. Only where
// BASTION_LOCAL_STACK=1, and nothing else in the policy changes.

const CSP = "content-security-policy";

/** Adds the local Supabase origin to a CSP header's connect-src, in place. */
export function allowLocalSupabase(
  headers: Headers,
  env: Record<string, string | undefined> = process.env,
): void {
  const policy = headers.get(CSP);
  if (!policy || env.BASTION_LOCAL_STACK !== "1" || !env.SUPABASE_URL) return;
  let origin: string;
  try {
    origin = new URL(env.SUPABASE_URL).origin;
  } catch {
    return;
  }
  if (!/^https?:\/\//.test(origin)) return;
  const socket = origin.replace(/^http/, "ws");
  const directives = policy.split(";").map((directive) => directive.trim());
  const index = directives.findIndex((directive) => /^connect-src(\s|$)/.test(directive));
  if (index === -1) return;
  const sources = directives[index]?.split(/\s+/) ?? [];
  for (const source of [origin, socket]) if (!sources.includes(source)) sources.push(source);
  directives[index] = sources.join(" ");
  headers.set(CSP, directives.filter(Boolean).join("; "));
}
