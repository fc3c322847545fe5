// Runs a request at most once per Idempotency-Key (draft-ietf-httpapi-idempotency-key-header):
// the first request claims the key and runs; a retry with the same key and the same request
// gets the stored response instead of a second side effect. The pipeline calls this for
// endpoints that declare an idempotency key; it computes the fingerprint and turns the result
// into the HTTP response.
//
// What is stored and for how long:
// - The claim is stored with the same 24 h TTL as the response. If the function dies while
//   running (killed at its time limit), nobody knows whether the side effect happened, so
//   retries with that key answer 409 until the claim expires rather than risk doing it twice;
//   the client can start over with a new key.
// - A response below 500 is stored and replayed, 4xx included: the same request gets the same
//   answer. An exception or a 5xx releases the claim, because the request did not complete and
//   a retry should really run again.
// - Storage fails closed: when Redis is unreachable the request is refused (503), since a
//   payment retried without deduplication is worse than an error.
// - Nothing personal and no bearer secret in Redis, which is a cache outside the database's
//   protections (no RLS, no sealing of its own): a response (a guest's booking
//   holds their name, email, phone and notes) is stored sealed with the personal-data keys
//   (AES-256-GCM, key id inside), for this record's key only, so a sealed response copied under
//   another key does not open. A secret shown once (a guest's manage token) is not stored at all:
//   the caller's forReplay() takes it out of what is kept, and a replay answers without it.
import { createHash, randomUUID } from "node:crypto";
import {
  currentPersonalDataKeyId,
  openPersonalData,
  sealPersonalData,
} from "../crypto/personal-data.js";
import { localStackEnabled } from "../env.js";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { redisClient } from "../redis.js";
import { parseIdempotencyKey } from "./idempotency-key.js";
import {
  type IdempotencyRecord,
  IdempotencyRecordSchema,
  type StoredResponse,
  StoredResponseSchema,
} from "./idempotency-record.js";
import type { IdempotencyStorage } from "./idempotency-storage.js";
import { inProcessIdempotencyStorage } from "./in-process-idempotency-storage.js";
import { redisIdempotencyStorage } from "./redis-idempotency-storage.js";

export type { StoredResponse } from "./idempotency-record.js";

export interface IdempotentRequest {
  /** Whose key this is: the user id, or the hashed client IP on public endpoints. */
  scope: string;
  /** The Idempotency-Key header value as received (bare or as a quoted structured string). */
  key: string;
  /** A keyed hash the pipeline computes over method, path and body. */
  fingerprint: string;
  /**
   * What is kept for replays, given the response: the response without any secret that is
   * shown once. Everything it returns is stored (sealed) for 24 hours. Default: the response.
   */
  forReplay?: (response: StoredResponse) => StoredResponse;
}

export interface IdempotentResult {
  response: StoredResponse;
  /** True when the response is the stored one from an earlier request and run() did not run. */
  replayed: boolean;
}

/** Covers a client retrying through a bad connection or a day's outage; the draft leaves it to us. */
const RECORD_TTL_SECONDS = 24 * 60 * 60;
/** A claim can be released between our failed claim and our read; then we try again. */
const CLAIM_ATTEMPTS = 3;

/** Undefined without Upstash outside the local stack: see in-process-idempotency-storage.ts. */
let storage: Promise<IdempotencyStorage | undefined> | undefined;
let refusalLogged = false;

/** Chosen on first use, so importing the store loads no Redis SDK. */
async function chooseStorage(): Promise<IdempotencyStorage | undefined> {
  const redis = await redisClient();
  if (redis !== undefined) return redisIdempotencyStorage(redis);
  return localStackEnabled() ? inProcessIdempotencyStorage() : undefined;
}

export async function runIdempotently(
  request: IdempotentRequest,
  run: () => Promise<StoredResponse>,
): Promise<IdempotentResult> {
  const key = parseIdempotencyKey(request.key);
  const store = await requireStorage();
  // Throws 503 now, before the side effect, when the keys the response is sealed with are
  // missing: afterwards the response could not be kept and every retry would answer 409.
  currentPersonalDataKeyId();
  // Hashed so the caller's scope and the client-chosen key never appear in Redis, and the Redis
  // key has a fixed length; the JSON array keeps ("a:b", "c") and ("a", "b:c") apart.
  const digest = createHash("sha256")
    .update(JSON.stringify([request.scope, key]))
    .digest();
  const recordKey = `idempotency:${digest.toString("base64url")}`;
  const sealContext = `idempotency.response:${digest.toString("base64url")}`;

  const claim = await claimOrFind(store, recordKey, request.fingerprint);
  if (!claim.claimed) {
    const response = replay(claim.record, request.fingerprint, recordKey, sealContext);
    return { response, replayed: true };
  }

  let response: StoredResponse;
  try {
    response = await run();
  } catch (error) {
    await releaseClaim(store, recordKey);
    throw error;
  }
  if (response.status >= 500) {
    await releaseClaim(store, recordKey);
    return { response, replayed: false };
  }
  try {
    const kept = request.forReplay?.(response) ?? response;
    const sealedResponse = sealPersonalData(JSON.stringify(kept), sealContext);
    const completed: IdempotencyRecord = {
      state: "completed",
      fingerprint: request.fingerprint,
      sealedResponse,
    };
    await store.save(recordKey, completed, RECORD_TTL_SECONDS);
  } catch (error) {
    // The side effect is done, so the caller still gets its response; retries with this key
    // will see the claim and answer 409 until it expires.
    log.error("idempotency_store_unavailable", { operation: "save", record: recordKey, error });
  }
  return { response, replayed: false };
}

async function requireStorage(): Promise<IdempotencyStorage> {
  storage ??= chooseStorage();
  const chosen = await storage;
  if (chosen !== undefined) return chosen;
  if (!refusalLogged) {
    refusalLogged = true;
    log.error("idempotency_store_not_configured", {
      reason: "UPSTASH_REDIS_REST_URL/_TOKEN are not set in production",
    });
  }
  throw new ApiError("service_unavailable", "Please try again later.");
}

type Claim = { claimed: true } | { claimed: false; record: IdempotencyRecord };

async function claimOrFind(
  store: IdempotencyStorage,
  recordKey: string,
  fingerprint: string,
): Promise<Claim> {
  const running = { state: "running", fingerprint, claimId: randomUUID() } as const;
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const claimed = await failClosed("claim", recordKey, () =>
      store.claim(recordKey, running, RECORD_TTL_SECONDS),
    );
    if (claimed) return { claimed: true };
    const stored = await failClosed("read", recordKey, () => store.read(recordKey));
    if (stored === undefined) continue;
    const record = parseRecord(stored, recordKey);
    // The Redis client retries a command after a network error, so a SET NX whose reply was
    // lost can come back "not set" although it was ours.
    if (record.state === "running" && record.claimId === running.claimId) return { claimed: true };
    return { claimed: false, record };
  }
  throw new ApiError("idempotency_in_progress", "Retry this request in a moment.");
}

function replay(
  record: IdempotencyRecord,
  fingerprint: string,
  recordKey: string,
  sealContext: string,
): StoredResponse {
  if (record.fingerprint !== fingerprint) {
    throw new ApiError(
      "idempotency_key_reused",
      "Use a new Idempotency-Key for a request with a different method, path or body.",
    );
  }
  if (record.state === "running") {
    throw new ApiError("idempotency_in_progress", "Retry this request once the first one ends.");
  }
  try {
    return StoredResponseSchema.parse(
      JSON.parse(openPersonalData(record.sealedResponse, sealContext)),
    );
  } catch (error) {
    // Altered, moved from another key, or sealed under a key this server no longer holds.
    log.error("idempotency_record_invalid", { record: recordKey, error });
    throw new ApiError("service_unavailable", "Please try again later.");
  }
}

function parseRecord(stored: unknown, recordKey: string): IdempotencyRecord {
  const record = IdempotencyRecordSchema.safeParse(stored);
  if (record.success) return record.data;
  log.error("idempotency_record_invalid", { record: recordKey });
  throw new ApiError("service_unavailable", "Please try again later.");
}

async function failClosed<R>(operation: string, recordKey: string, call: () => Promise<R>) {
  try {
    return await call();
  } catch (error) {
    log.error("idempotency_store_unavailable", { operation, record: recordKey, error });
    throw new ApiError("service_unavailable", "Please try again in a moment.");
  }
}

/** Best effort: if Redis is down now, the claim stays until its TTL and retries answer 409. */
async function releaseClaim(store: IdempotencyStorage, recordKey: string): Promise<void> {
  try {
    await store.release(recordKey);
  } catch (error) {
    log.error("idempotency_store_unavailable", { operation: "release", record: recordKey, error });
  }
}
