// Where the database calls Bastion
// (supabase/migrations/20261121000800_database_webhooks_and_schedules.sql): the functions' base
// URL and the secret they check, kept in Vault under the names the migration reads, as a Supabase
// project keeps them. The local stack writes them on start — the dev server's address and the
// secret it generated — so delivery works with no setup.
import type { Database } from "./database.js";

export const FUNCTIONS_URL_SECRET = "bastion_functions_url";
export const WEBHOOK_SECRET_NAME = "bastion_database_webhook_secret";

export interface DatabaseWebhookTarget {
  /** The deployment's (here the dev server's) origin; the migration appends /api/cron/…. */
  url: string;
  /** DATABASE_WEBHOOK_SECRET, as the functions know it. */
  secret: string;
}

/** Points the database's calls at target, or stops them (null): no Vault secrets, no calls. */
export async function configureDatabaseWebhooks(
  db: Database,
  target: DatabaseWebhookTarget | null,
): Promise<void> {
  await db.transaction({}, async (query) => {
    if (!target) {
      await query("delete from vault.secrets where name in ($1, $2)", [
        FUNCTIONS_URL_SECRET,
        WEBHOOK_SECRET_NAME,
      ]);
      return;
    }
    const values: [string, string, string][] = [
      [FUNCTIONS_URL_SECRET, target.url, "Where the database calls Bastion's functions"],
      [WEBHOOK_SECRET_NAME, target.secret, "DATABASE_WEBHOOK_SECRET: how those calls authenticate"],
    ];
    for (const [name, secret, description] of values) {
      const { rows } = await query<{ id: string }>(
        "select id::text from vault.secrets where name = $1",
        [name],
      );
      const id = rows[0]?.id;
      if (id) await query("select vault.update_secret($1::uuid, $2)", [id, secret]);
      else await query("select vault.create_secret($1, $2, $3)", [secret, name, description]);
    }
  });
}
