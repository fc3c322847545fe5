// The Upstash-compatible REST endpoint of the local stack: what @upstash/redis and
// @upstash/ratelimit talk to, in front of a real Redis.
import { Redis } from "ioredis";
import { type RunningServer, serve } from "../web-server.js";
import { bearerTokenCheck } from "./auth.js";
import { toJsonReply } from "./encoding.js";
import { createExecutor, type Executor, type Outcome } from "./executor.js";
import { BadRequestError, readCommand, readCommandList } from "./request-body.js";
import { createScriptTranslator } from "./scripts.js";

export interface UpstashOptions {
  port: number;
  /** The Redis behind the endpoint, e.g. redis://127.0.0.1:6379. */
  redisUrl: string;
  /** The bearer token clients must present (UPSTASH_REDIS_REST_TOKEN on their side). */
  token: string;
}

export async function startUpstash(
  options: UpstashOptions,
): Promise<RunningServer & { token: string }> {
  // An empty token would leave the endpoint open to anyone who sends "Bearer ".
  if (options.token === "") throw new Error("startUpstash needs a non-empty token");
  const redis = await connectRedis(options.redisUrl);
  try {
    const executor = createExecutor(redis, createScriptTranslator(await majorVersion(redis)));
    const isAuthorized = bearerTokenCheck(options.token);
    const server = await serve(
      async (request) => {
        if (!isAuthorized(request))
          return Response.json({ error: "Unauthorized" }, { status: 401 });
        return route(request, executor);
      },
      { port: options.port },
    );
    return {
      ...server,
      token: options.token,
      close: async () => {
        await server.close();
        await redis.quit();
      },
    };
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}

async function route(request: Request, executor: Executor): Promise<Response> {
  const { pathname } = new URL(request.url);
  const base64 = request.headers.get("upstash-encoding")?.toLowerCase() === "base64";
  const encode = (outcome: Outcome) =>
    "error" in outcome ? outcome : { result: toJsonReply(outcome.result, base64) };
  try {
    if (request.method !== "POST") return errorResponse("ERR only POST is supported", 405);
    if (pathname === "/") {
      const outcome = await executor.run(await readCommand(request));
      return "error" in outcome ? errorResponse(outcome.error) : Response.json(encode(outcome));
    }
    if (pathname === "/pipeline") {
      // Not atomic, like Upstash's pipeline: each command succeeds or fails on its own.
      const commands = await readCommandList(request);
      const outcomes = await Promise.all(commands.map((command) => executor.run(command)));
      return Response.json(outcomes.map(encode));
    }
    if (pathname === "/multi-exec") {
      const outcomes = await executor.runTransaction(await readCommandList(request));
      return "error" in outcomes
        ? errorResponse(outcomes.error)
        : Response.json(outcomes.map(encode));
    }
    return errorResponse(`ERR no such endpoint: ${pathname}`, 404);
  } catch (error) {
    if (error instanceof BadRequestError) return errorResponse(error.message);
    throw error;
  }
}

function errorResponse(message: string, status = 400): Response {
  return Response.json({ error: message }, { status });
}

async function connectRedis(url: string): Promise<Redis> {
  // RESP2, because the REST API answers in its shapes (HGETALL as a flat array, scores as
  // strings); ioredis 6 would otherwise speak RESP3.
  const redis = new Redis(url, { protocol: 2, lazyConnect: true });
  // ioredis reports the cause (ECONNREFUSED, ...) as an event and rejects connect() with a
  // generic "Connection is closed", so the event's error is the one worth throwing.
  let lastError: Error | undefined;
  redis.on("error", (error: Error) => {
    lastError = error;
    console.warn(`[upstash] redis: ${error.message}`);
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Cannot reach Redis at ${url}: ${(lastError ?? (error as Error)).message}`);
  }
  return redis;
}

/** Redis 6 and 7 need the Lua shebang rewritten differently (see scripts.ts). */
async function majorVersion(redis: Redis): Promise<number> {
  const info = await redis.info("server");
  const major = /^redis_version:(\d+)/m.exec(info)?.[1];
  if (major === undefined) throw new Error("Redis INFO did not report redis_version");
  return Number(major);
}
