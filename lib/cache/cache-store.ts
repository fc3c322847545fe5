// Where cache entries are kept. Entries are JSON values; the namespace validates what comes back.

export interface CacheStore {
  /** The stored entry, or undefined when there is none (or it has expired). */
  read(key: string): Promise<unknown>;
  write(key: string, entry: unknown, ttlSeconds: number): Promise<void>;
  remove(key: string): Promise<void>;
}
