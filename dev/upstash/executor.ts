// Runs REST commands on the one Redis connection that every request shares.
import type { Redis } from "ioredis";
import type { RedisCommand } from "./request-body.js";
import type { ScriptTranslator } from "./scripts.js";

/** One command's outcome, in the shape of the REST API's reply objects. */
export type Outcome = { result: unknown } | { error: string };

/**
 * Commands that would change the shared connection for every other request (its database,
 * transaction or subscriber state) or hold it while they block. Each REST request is
 * independent, so the endpoint refuses them rather than letting one request stall or
 * redirect the others; transactions go through `/multi-exec` instead.
 */
const SHARED_CONNECTION_UNSAFE = new Set([
  "auth",
  "blmove",
  "blmpop",
  "blpop",
  "brpop",
  "brpoplpush",
  "bzmpop",
  "bzpopmax",
  "bzpopmin",
  "client",
  "discard",
  "exec",
  "hello",
  "monitor",
  "multi",
  "psubscribe",
  "punsubscribe",
  "quit",
  "reset",
  "select",
  "ssubscribe",
  "subscribe",
  "sunsubscribe",
  "unsubscribe",
  "unwatch",
  "wait",
  "waitaof",
  "watch",
]);

export interface Executor {
  run(command: RedisCommand): Promise<Outcome>;
  /** Runs the commands in one MULTI/EXEC; a single error if Redis discarded the transaction. */
  runTransaction(commands: RedisCommand[]): Promise<Outcome[] | { error: string }>;
}

export function createExecutor(redis: Redis, scripts: ScriptTranslator): Executor {
  return {
    async run(command) {
      const refusal = refuse(command);
      if (refusal) return refusal;
      try {
        return { result: await redis.callBuffer(...toWire(scripts.translate(command))) };
      } catch (error) {
        return { error: messageOf(error) };
      }
    },

    async runTransaction(commands) {
      for (const command of commands) {
        const refusal = refuse(command);
        if (refusal) return refusal;
      }
      const transaction = redis.multi();
      for (const command of commands) transaction.callBuffer(...toWire(scripts.translate(command)));
      try {
        const replies = await transaction.exec();
        // Null means a WATCHed key changed; WATCH is refused above, so this is not expected.
        if (replies === null) return { error: "EXECABORT Transaction discarded" };
        return replies.map(
          ([error, result]): Outcome => (error ? { error: error.message } : { result }),
        );
      } catch (error) {
        return { error: messageOf(error) };
      }
    },
  };
}

function refuse([name]: RedisCommand): { error: string } | undefined {
  if (!SHARED_CONNECTION_UNSAFE.has(name)) return undefined;
  return { error: `ERR Command is not available on the local Upstash endpoint: '${name}'` };
}

/**
 * The uppercase name keeps ioredis from reshaping the reply: its reply transformers are keyed by
 * lowercase names (HGETALL would come back as an object, not Redis's flat array), and Redis
 * itself ignores the case.
 */
function toWire([name, ...args]: RedisCommand): [string, ...string[]] {
  return [name.toUpperCase(), ...args];
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // ioredis rejects a discarded transaction with EXECABORT and keeps the cause apart.
  const previous = (error as Error & { previousErrors?: Error[] }).previousErrors?.[0];
  return previous ? `${error.message} ${previous.message}` : error.message;
}
