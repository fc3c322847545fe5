// The Upstash-compatible endpoint of the local stack in front of a throwaway redis-server, for
// tests of the lib modules that talk to Redis. `direct` speaks RESP to the same Redis, to check
// what really got stored (keys, TTLs) behind the REST endpoint's back.
import { createServer } from "node:net";
import { Redis as IORedis } from "ioredis";
import { startUpstash } from "../../dev/upstash/server.js";
import { startRedisServer } from "./redis.js";

export interface LocalUpstash {
  url: string;
  token: string;
  direct: IORedis;
  stop(): Promise<void>;
}

export async function startLocalUpstash(redisServerBinary: string): Promise<LocalUpstash> {
  const token = "lib-test-upstash-token";
  const redisServer = await startRedisServer(redisServerBinary);
  const endpoint = await startUpstash({ port: 0, redisUrl: redisServer.url, token });
  const direct = new IORedis(redisServer.url);
  return {
    url: endpoint.url,
    token,
    direct,
    stop: async () => {
      await direct.quit();
      await endpoint.close();
      await redisServer.stop();
    },
  };
}

/** A local URL where nothing listens: every request is refused at once, like a Redis outage. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
