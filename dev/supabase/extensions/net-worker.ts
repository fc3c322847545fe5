// pg_net's background worker, played by the local stack: it takes requests off
// net.http_request_queue once their transaction has committed, performs them, and records each
// answer in net._http_response. It wakes on net.wake()'s NOTIFY, which Postgres delivers only
// after commit (a rolled-back call is never seen), and also polls, as a safety net for a missed
// notification. A request is deleted from the queue in the statement that takes it, before it is
// sent: at most once per call, as with pg_net, so a callee must be idempotent and a sweep must
// cover what never arrived.
import type { Database } from "../database.js";

/** pg_net's batch size and response time-to-live (pg_net.batch_size, pg_net.ttl). */
const BATCH = 200;
const RESPONSE_TTL = "6 hours";
const WAKE_CHANNEL = "pg_net_local_worker";
/** How often answers past their time to live are deleted. */
const EXPIRY_EVERY_MS = 60_000;

export interface NetWorkerOptions {
  /** How often the queue is looked at without a notification. */
  pollMs?: number;
}

export interface NetWorker {
  /** Takes what is queued now and resolves once those requests have been answered. */
  drain(): Promise<void>;
  /** Stops taking requests and waits for those under way. */
  stop(): Promise<void>;
}

interface QueuedRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string> | null;
  body: string | null;
  timeout_milliseconds: number;
}

interface Answer {
  status_code: number | null;
  content_type: string | null;
  headers: Record<string, string> | null;
  content: string | null;
  timed_out: boolean | null;
  error_msg: string | null;
}

export async function startNetWorker(
  db: Database,
  options: NetWorkerOptions = {},
): Promise<NetWorker> {
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let draining: Promise<void> | undefined;
  let again = false;
  let lastExpiry = 0;

  const take = async (): Promise<QueuedRequest[]> => {
    const { rows } = await db.query<QueuedRequest>(
      `delete from net.http_request_queue
        where id in (select id from net.http_request_queue order by id limit ${BATCH}
                     for update skip locked)
       returning id::text, method, url, headers, convert_from(body, 'UTF8') as body,
                 timeout_milliseconds`,
    );
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  };

  const record = async (id: string, answer: Answer) => {
    await db.query(
      `insert into net._http_response
         (id, status_code, content_type, headers, content, timed_out, error_msg)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        answer.status_code === null ? null : String(answer.status_code),
        answer.content_type,
        answer.headers && JSON.stringify(answer.headers),
        answer.content,
        answer.timed_out === null ? null : String(answer.timed_out),
        answer.error_msg,
      ],
    );
  };

  const perform = (request: QueuedRequest) => {
    const task = send(request)
      .then((answer) => record(request.id, answer))
      .catch(() => undefined)
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  const drainOnce = async () => {
    for (;;) {
      const requests = await take();
      for (const request of requests) perform(request);
      if (requests.length < BATCH) break;
    }
    if (Date.now() - lastExpiry >= EXPIRY_EVERY_MS) {
      lastExpiry = Date.now();
      await db.query(
        `delete from net._http_response where created < now() - interval '${RESPONSE_TTL}'`,
      );
    }
  };

  const wake = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      try {
        do {
          again = false;
          await drainOnce();
        } while (again && !stopped);
      } catch {
        // The database is closing, or busy: the next wake or poll tries again.
      } finally {
        draining = undefined;
      }
    })();
    return draining;
  };

  const unlisten = await db.listen(WAKE_CHANNEL, () => void wake());
  const poll = setInterval(() => void wake(), options.pollMs ?? 1000);
  poll.unref();
  void wake();

  return {
    async drain() {
      await wake();
      await Promise.all(inFlight);
    },
    async stop() {
      stopped = true;
      clearInterval(poll);
      await draining;
      await Promise.all(inFlight);
      await unlisten();
    },
  };
}

async function send(request: QueuedRequest): Promise<Answer> {
  const timeout = request.timeout_milliseconds;
  try {
    const response = await fetch(request.url, {
      method: request.method.toUpperCase(),
      headers: request.headers ?? {},
      ...(request.body !== null &&
        request.method.toUpperCase() !== "GET" && { body: request.body }),
      redirect: "manual",
      signal: AbortSignal.timeout(timeout),
    });
    const content = await response.text();
    return {
      status_code: response.status,
      content_type: response.headers.get("content-type"),
      headers: Object.fromEntries(response.headers),
      content,
      timed_out: false,
      error_msg: null,
    };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return {
      status_code: null,
      content_type: null,
      headers: null,
      content: null,
      timed_out: timedOut,
      error_msg: timedOut
        ? `Timeout of ${timeout} ms reached`
        : `Couldn't connect: ${reason(error)}`,
    };
  }
}

/** fetch's own message is "fetch failed"; the socket's reason is in its cause. */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}
