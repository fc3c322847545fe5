import {
  ConversationChange,
  ConversationParams,
  ConversationView,
  changeConversation,
  getConversation,
} from "../../../../lib/chat/conversations.js";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "One conversation of the shop",
      description: "Every member. Its messages are at …/messages.",
      tags: ["shop chat"],
      auth: "user",
      params: ConversationParams,
      response: ConversationView,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params }) => getConversation(db.user, params.shopId, params.conversationId),
  ),
  PUT: endpoint(
    {
      summary: "Triage a conversation",
      description:
        "Every member: status (open, pending, closed), assignee (a member of the shop, or null; else 400), tags (replaced), notes (the team's own) and `isAiActive` (false hands the conversation over to people; a member's reply does too). Only the fields sent change. The shop's channel gets `conversation:update`.",
      tags: ["shop chat"],
      auth: "user",
      params: ConversationParams,
      body: ConversationChange,
      response: ConversationView,
      limit: "write",
      errors: ["not_found", "bad_request"],
    },
    ({ db, params, body }) =>
      changeConversation(db.user, params.shopId, params.conversationId, body),
  ),
});
