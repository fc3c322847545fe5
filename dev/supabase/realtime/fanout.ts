// Takes committed broadcast messages off realtime._local_fanout (filled by a trigger on
// realtime.messages, dev/supabase/extensions/realtime.sql) and hands each one to the sockets.
// It wakes on the trigger's NOTIFY, which Postgres delivers only once the inserting transaction
// has committed, and also polls, as a safety net for a missed notification. The delete that takes
// the ids is the claim: each message is fanned out once, and a rolled-back insert never.
import type { Database } from "../database.js";

const WAKE_CHANNEL = "realtime_local_fanout";
const BATCH = 500;
const PRUNE_EVERY_MS = 3_600_000;

export interface StoredMessage {
  id: string;
  topic: string;
  event: string | null;
  payload: unknown;
  private: boolean;
}

export interface Fanout {
  /** Takes what is committed now and resolves once it has been handed out. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFanout(
  db: Database,
  deliver: (message: StoredMessage) => void,
  options: { pollMs?: number } = {},
): Promise<Fanout> {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;

  const take = async (): Promise<StoredMessage[]> => {
    const { rows } = await db.query<StoredMessage & { seq: string }>(
      `with taken as (
         delete from realtime._local_fanout
          where seq in (select seq from realtime._local_fanout order by seq limit ${BATCH}
                        for update skip locked)
         returning seq, message_id, inserted_at
       )
       select taken.seq::text as seq, m.id::text as id, m.topic, m.event, m.payload,
              coalesce(m.private, false) as private
         from taken
         join realtime.messages as m on m.id = taken.message_id and m.inserted_at = taken.inserted_at
        order by taken.seq`,
    );
    return rows;
  };

  // Realtime keeps about three days of messages (it drops older daily partitions); so does this.
  let lastPrune = 0;
  const prune = async () => {
    if (Date.now() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = Date.now();
    await db.query(`delete from realtime.messages where inserted_at < now() - interval '3 days'`);
  };

  const drainOnce = async () => {
    await prune();
    for (;;) {
      const messages = await take();
      for (const message of messages) deliver(message);
      if (messages.length < BATCH) return;
    }
  };

  const drain = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await drainOnce();
        } while (again && !stopped);
      } catch (error) {
        if (!stopped) console.error("[realtime] fan-out failed", error);
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  const unlisten = await db.listen(WAKE_CHANNEL, () => {
    void drain();
  });
  const poll = setInterval(() => void drain(), options.pollMs ?? 1_000);
  poll.unref();
  // Whatever was queued while no server was running is old news: nobody is connected yet.
  await drain();

  return {
    drain,
    stop: async () => {
      stopped = true;
      clearInterval(poll);
      await unlisten();
      await running;
    },
  };
}
