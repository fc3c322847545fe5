// The emails the local stack's outbox holds (public.local_outbox_messages, sealed): what a test
// reads instead of a mailbox.
import { openPersonalData } from "../../lib/crypto/personal-data.js";
import { LOCAL_OUTBOX_CONTEXT } from "../../lib/notify/outbox/local-outbox.js";
import type { TestApi } from "./api.js";

/** The text of every email of the template to the address, oldest first, once deliveries settle. */
export async function outboxMailsTo(
  api: TestApi,
  template: string,
  recipient: string,
): Promise<string[]> {
  await api.settle();
  const { rows } = await api.supabase.db.query<{ message_sealed: string }>(
    "select message_sealed from public.local_outbox_messages where template = $1 order by created_at",
    [template],
  );
  return rows
    .map(
      (row) =>
        JSON.parse(openPersonalData(row.message_sealed, LOCAL_OUTBOX_CONTEXT)) as {
          to: string;
          text: string;
        },
    )
    .filter((mail) => mail.to === recipient)
    .map((mail) => mail.text);
}
