// Sign-in counters in Upstash Redis, shared by every instance: each operation is one Lua script,
// so it is atomic however many instances count at once.
import type { Redis } from "@upstash/redis";
import type { SignInCounters } from "./sign-in-counters.js";

// KEYS: address counter, account counter, known-address marker.
// ARGV: address limit, address window (s), account limit, account window (s).
const ATTEMPT = `
local address = tonumber(redis.call('GET', KEYS[1]) or '0')
if address >= tonumber(ARGV[1]) then
  return {'address', redis.call('TTL', KEYS[1])}
end
local account = tonumber(redis.call('GET', KEYS[2]) or '0')
if account >= tonumber(ARGV[3]) and redis.call('EXISTS', KEYS[3]) == 0 then
  return {'account', redis.call('TTL', KEYS[2])}
end
for i = 1, 2 do
  redis.call('INCR', KEYS[i])
  if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], ARGV[i * 2]) end
end
return {'counted', 0}
`;

// KEYS as above. ARGV: how long the address stays known (s).
const SUCCEEDED = `
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
redis.call('SET', KEYS[3], '1', 'EX', ARGV[1])
return 1
`;

// KEYS: address counter, account counter. DECR keeps a key's TTL; a key already gone stays gone.
const WITHDRAWN = `
for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 1
`;

export function redisSignInCounters(redis: Redis): SignInCounters {
  return {
    async attempt(keys, limits) {
      const [verdict, ttl] = await redis.eval<string[], [string, number]>(
        ATTEMPT,
        [keys.address, keys.account, keys.knownAddress],
        [
          String(limits.address.limit),
          String(limits.address.windowSeconds),
          String(limits.account.limit),
          String(limits.account.windowSeconds),
        ],
      );
      if (verdict === "counted") return { counted: true };
      return {
        counted: false,
        full: verdict === "address" ? "address" : "account",
        retryAfterSeconds: Math.max(1, Number(ttl)),
      };
    },
    async succeeded(keys, limits) {
      await redis.eval(
        SUCCEEDED,
        [keys.address, keys.account, keys.knownAddress],
        [String(limits.knownAddressSeconds)],
      );
    },
    async withdrawn(keys) {
      await redis.eval(WITHDRAWN, [keys.address, keys.account], []);
    },
  };
}
