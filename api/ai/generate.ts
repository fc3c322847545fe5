import { budgetSubject } from "../../lib/ai/chat.js";
import { Generated, GenerateRequest, generateText } from "../../lib/ai/generate.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Write text from a named server-side template",
      description:
        "Templates: `session_description`, `reminder_text`, `product_description`, `reply_draft`, each with its own variables (unknown ones refused). The instructions are the server's; the client never sends a prompt. Variables are checked with OpenAI's moderation (400 content_flagged). Spends the caller's daily token budget by tier (429 with Retry-After when spent).",
      tags: ["ai"],
      auth: "user",
      body: GenerateRequest,
      response: Generated,
      limit: "ai",
      errors: ["content_flagged", "provider_error", "provider_not_configured"],
      privileged: {
        ledgerStep:
          "records each AI request's tokens and cost in public.ai_usage, which users read but may not write",
      },
      roundTrips: { database: 2, redis: 3, providers: 2 },
    },
    async ({ body, caller, ip, db }) =>
      generateText(
        { subject: await budgetSubject(db.user, caller, ip), service: db.service },
        body as GenerateRequest,
      ),
  ),
});
