// What is kept per Idempotency-Key: a claim while the first request runs, then its response.
import { z } from "zod";

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
    response: StoredResponseSchema,
  }),
]);

export type IdempotencyRecord = z.infer<typeof IdempotencyRecordSchema>;
