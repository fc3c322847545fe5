import { ChatStarted, CustomerMessage, startChat } from "../../../../lib/chat/widget.js";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { ShopParams } from "../../../../lib/shops/access.js";

export default route({
  POST: endpoint(
    {
      summary: "Start a web chat with a shop (customers, no account)",
      description:
        "The shop's chat widget starts a conversation (`channel: web`) with the customer's first message and gets a `conversationToken`, shown once, to send as `X-Conversation-Token` to POST and GET /api/shops/{shopId}/chat/messages. When the AI is available the shop's AI answers first (grounded in the shop's description and products, on the shop owner's AI budget) until a member replies. At most 5 conversations per address per 10 minutes.",
      tags: ["shop chat"],
      auth: "public",
      privileged: {
        ledgerStep:
          "a customer without an account writes to a shop's conversation, reached only by the hash of the conversation token the server issued",
      },
      params: ShopParams,
      body: CustomerMessage,
      response: ChatStarted,
      status: 201,
      shownOnce: ["conversationToken"],
      limit: "shop_chat_start",
      errors: ["not_found"],
    },
    ({ db, params, body }) => startChat(db.service, params.shopId, body),
  ),
});
