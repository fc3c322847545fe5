// The outbox's operations_alert rows, composed at delivery: the alert they name (its condition,
// counts and ids as the alert job last saw them) to the operations address.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { appUrl, env } from "../env.js";
import { type ComposedMessage, Undeliverable } from "../notify/outbox/compose.js";
import type { NotificationRow } from "../notify/outbox/outbox-rows.js";
import { practiceName } from "../notify/practice.js";

const AlertRow = z.object({
  condition: z.string(),
  title: z.string(),
  item_count: z.coerce.number().int(),
  oldest_at: z.string().nullable(),
  item_ids: z.array(z.string()),
});

/** Where alerts are emailed: OPERATIONS_ALERT_EMAIL, else the practice's address. */
export const alertAddress = () => env().OPERATIONS_ALERT_EMAIL ?? env().PRACTICE_EMAIL;

export async function composeOperationsAlert(
  service: SupabaseClient,
  row: NotificationRow,
): Promise<ComposedMessage> {
  const to = alertAddress();
  if (to === undefined) throw new Undeliverable("no operations alert address configured");
  const { data, error } = await service
    .from("operations_alerts")
    .select("condition, title, item_count, oldest_at, item_ids")
    .eq("id", z.uuid().parse(row.data.alert_id))
    .maybeSingle();
  if (error) throw new Error(`reading an alert failed: ${error.code} ${error.message}`);
  if (data === null) throw new Undeliverable("the alert is gone");
  const alert = AlertRow.parse(data);
  const opened = row.data.state !== "cleared";
  return {
    template: "operations_alert",
    to,
    variables: {
      practiceName: practiceName(),
      state: opened ? "opened" : "cleared",
      title: alert.title,
      condition: alert.condition,
      count: alert.item_count,
      ...(opened &&
        alert.oldest_at !== null && {
          oldestAt: new Date(alert.oldest_at).toISOString(),
        }),
      ids: opened ? alert.item_ids.slice(0, 20) : [],
      operationsUrl: `${appUrl()}/staff`,
    },
  };
}
