// `npm run make-admin -- owner@example.com [--staff] [--practitioner <id>]`: gives an account
// that has signed up the admin role (or staff with --staff), and with --practitioner links it to
// that practitioner, in the Supabase project of SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY
// (lib/admin/practice-setup.ts). The account signs in again to carry the role. After this first
// admin, everything else is done through the API.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { grantRole } from "../lib/admin/practice-setup.js";
import { serviceClient } from "../lib/db/service-client.js";
import { loadUserEnv } from "./local-env.js";

loadUserEnv(join(process.cwd(), ".env"));
loadUserEnv(join(process.cwd(), ".env.local"));

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { staff: { type: "boolean", default: false }, practitioner: { type: "string" } },
  });
  const [email] = positionals;
  if (email === undefined || positionals.length > 1) {
    console.error("Usage: npm run make-admin -- owner@example.com [--staff] [--practitioner <id>]");
    return 1;
  }
  const role = values.staff ? "staff" : "admin";
  const userId = await grantRole(serviceClient(), email, role, values.practitioner);
  console.info(
    `${email} (${userId}) is now ${role}${values.practitioner ? ` of practitioner ${values.practitioner}` : ""}. Sign in again to use it.`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`make-admin failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
