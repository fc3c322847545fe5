// What OpenAI learns about who asked: a keyed hash (HMAC-SHA256 under PERSONAL_DATA_HMAC_KEY,
// its own context) of the user id, or of the address for an anonymous visitor. Stable per person,
// so OpenAI can point at one abuser rather than the whole organization, and not reversible without
// the key: never an email, never the id itself.
import { lookupHash } from "../crypto/personal-data.js";
import type { BudgetSubject } from "./budget.js";

export function safetyIdentifier(subject: BudgetSubject): string {
  // 64 hex characters: OpenAI's limit for safety_identifier.
  return "userId" in subject
    ? lookupHash(subject.userId, "ai.safety_identifier.user")
    : lookupHash(subject.ip, "ai.safety_identifier.address");
}
