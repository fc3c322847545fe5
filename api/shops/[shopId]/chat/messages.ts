import {
  CustomerChat,
  CustomerChatMessageSent,
  CustomerChatQuery,
  CustomerMessage,
  readCustomerChat,
  sendCustomerMessage,
} from "../../../../lib/chat/widget.js";
import { endpoint } from "../../../../lib/http/endpoint.js";
import { route } from "../../../../lib/http/route.js";
import { ShopParams } from "../../../../lib/shops/access.js";

const TOKEN_STEP =
  "a customer without an account reaches their conversation only by the hash of the conversation token the server issued";

export default route({
  GET: endpoint(
    {
      summary: "The customer's conversation (web chat widget)",
      description:
        "With `X-Conversation-Token` (401 without a well-formed one, 404 for one of no conversation of this shop). Messages oldest first; `after` (the last `createdAt` seen) for only the new ones: the widget polls this every couple of seconds. Never the team's notes, tags or which member wrote.",
      tags: ["shop chat"],
      auth: "public",
      privileged: { ledgerStep: TOKEN_STEP },
      params: ShopParams,
      query: CustomerChatQuery,
      response: CustomerChat,
      limit: "shop_chat",
      errors: ["unauthorized", "not_found"],
    },
    ({ db, params, headers, query }) => readCustomerChat(db.service, params.shopId, headers, query),
  ),
  POST: endpoint(
    {
      summary: "The customer writes (web chat widget)",
      description:
        "With `X-Conversation-Token`. A closed conversation opens again. While the AI is on for the conversation, its answer follows as a message from `ai` (or, when it cannot answer, a `system` message handing over to people).",
      tags: ["shop chat"],
      auth: "public",
      privileged: { ledgerStep: TOKEN_STEP },
      params: ShopParams,
      body: CustomerMessage,
      response: CustomerChatMessageSent,
      status: 201,
      limit: "shop_chat",
      errors: ["unauthorized", "not_found"],
    },
    ({ db, params, headers, body }) =>
      sendCustomerMessage(db.service, params.shopId, headers, body),
  ),
});
