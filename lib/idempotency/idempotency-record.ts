// What is kept per Idempotency-Key: a claim while the first request runs, then its response,
// sealed (store.ts): a response may hold personal data, and Redis keeps none in the clear.
import * as z from "zod";

export const StoredResponseSchema = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.string(),
});

export type StoredResponse = z.infer<typeof StoredResponseSchema>;

export const IdempotencyRecordSchema = z.discriminatedUnion("state", [
  z.object({
    state: z.literal("running"),
    fingerprint: z.string(),
    /** Random per claim: tells the claimer its own claim apart from another request's. */
    claimId: z.string(),
  }),
  z.object({
    state: z.literal("completed"),
    fingerprint: z.string(),
    /** StoredResponse as JSON, sealed with the personal-data keys for this record's key. */
    sealedResponse: z.string(),
  }),
]);

export type IdempotencyRecord = z.infer<typeof IdempotencyRecordSchema>;
