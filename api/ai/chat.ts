import { ChatAnswer, ChatRequest, chat } from "../../lib/ai/chat.js";
import { ChatStreamEvents } from "../../lib/ai/sse.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";

export default route({
  POST: endpoint(
    {
      summary: "Ask an assistant; the answer streams as server-sent events",
      description:
        "The client sends the conversation so far (nothing is kept on the server); the instructions are the server's. `assistant: support` answers from the practice's public facts (session types, prices, booking policies, opening hours) and is open to visitors without an account, on a small per-address daily budget; `general` needs a signed-in user. Signed-in users spend their tier's daily token budget (429 with Retry-After when spent). Text is checked with OpenAI's moderation first (400 content_flagged, not forwarded). The answer is `text/event-stream` — `delta` events, then one `done` (model, finish reason, usage) or `error` — unless `Accept: application/json` asks for the whole answer at once. Closing the connection stops the model; only the tokens used until then are charged.",
      tags: ["ai"],
      auth: "optional",
      body: ChatRequest,
      response: ChatAnswer,
      eventStream: ChatStreamEvents,
      limit: "ai",
      errors: [
        "content_flagged",
        "provider_error",
        "provider_not_configured",
        "service_unavailable",
      ],
      privileged: {
        ledgerStep:
          "records each AI request's tokens and cost in public.ai_usage, which users read but may not write",
      },
      roundTrips: { database: 5, redis: 3, providers: 2 },
    },
    ({ body, caller, ip, headers, db }) =>
      chat({
        body,
        caller,
        ip,
        accept: headers.get("accept"),
        db: db.caller,
        service: db.service,
      }),
  ),
});
