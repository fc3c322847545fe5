// Where idempotency records are kept. claim() must be atomic: of two concurrent requests with
// the same key, exactly one may win.
import type { IdempotencyRecord } from "./idempotency-record.js";

export interface IdempotencyStorage {
  /** Stores `record` only if the key holds nothing; true when this call stored it. */
  claim(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<boolean>;
  /** The stored record (not yet validated), or undefined when there is none. */
  read(key: string): Promise<unknown>;
  save(key: string, record: IdempotencyRecord, ttlSeconds: number): Promise<void>;
  release(key: string): Promise<void>;
}
