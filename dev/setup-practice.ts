// `npm run setup [-- file.json]`: puts the practice described in a JSON file (default
// supabase/practice.json; start from supabase/practice.example.json) into the Supabase project
// of SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY — session types and prices, the practitioner and
// their hours, the consent version (lib/admin/practice-setup.ts). Safe to run again after an
// edit. The shell's variables come first, then .env, then .env.local (the local stack's).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod";
import { applyPractice, PracticeFile } from "../lib/admin/practice-setup.js";
import { serviceClient } from "../lib/db/service-client.js";
import { loadUserEnv } from "./local-env.js";

loadUserEnv(join(process.cwd(), ".env"));
loadUserEnv(join(process.cwd(), ".env.local"));

async function main(): Promise<number> {
  const path = process.argv[2] ?? join("supabase", "practice.json");
  if (!existsSync(path)) {
    console.error(
      `No ${path}. Copy supabase/practice.example.json there, describe your practice, and run again.`,
    );
    return 1;
  }
  const parsed = PracticeFile.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    console.error(`${path} is not a practice description:\n${z.prettifyError(parsed.error)}`);
    return 1;
  }
  console.info(`Setting up the practice in ${process.env.SUPABASE_URL ?? "(no SUPABASE_URL)"}`);
  const applied = await applyPractice(serviceClient(), parsed.data);
  console.info(
    [
      `  session types: ${applied.sessionTypes} (${applied.prices} prices)`,
      `  practitioner:  ${parsed.data.practitioner.displayName} (${applied.practitionerId}), ${applied.workingIntervals} weekly intervals`,
      `  consent:       version ${applied.consentVersion}`,
      "",
      "Next: sign up in the app, then `npm run make-admin -- you@example.com` (add --practitioner",
      `${applied.practitionerId} to make that account the practitioner's staff).`,
    ].join("\n"),
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`Setup failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
