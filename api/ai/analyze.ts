import { Analyzed, AnalyzeRequest, analyzeText } from "../../lib/ai/analyze.js";
import { budgetSubject } from "../../lib/ai/chat.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Classify a text: sentiment, intent, language, urgency, personal data",
      description:
        "OpenAI answers in a strict JSON schema (structured outputs), and the answer is validated again before it leaves: only the fields below, with their allowed values, are ever returned (502 provider_error otherwise). The text is checked with OpenAI's moderation first (400 content_flagged). Spends the caller's daily token budget by tier (429 with Retry-After when spent).",
      tags: ["ai"],
      auth: "user",
      body: AnalyzeRequest,
      response: Analyzed,
      limit: "ai",
      errors: ["content_flagged", "provider_error", "provider_not_configured"],
      privileged: {
        ledgerStep:
          "records each AI request's tokens and cost in public.ai_usage, which users read but may not write",
      },
      roundTrips: { database: 2, redis: 3, providers: 2 },
    },
    async ({ body, caller, ip, db }) =>
      analyzeText({ subject: await budgetSubject(db.user, caller, ip), service: db.service }, body),
  ),
});
