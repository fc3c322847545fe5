import { deliverReply, SentMessage } from "../../../../../lib/channels/outbound.js";
import { ConversationParams } from "../../../../../lib/chat/conversations.js";
import {
  listMessages,
  MessageList,
  MessageListQuery,
  SellerMessage,
  sendSellerMessage,
} from "../../../../../lib/chat/messages.js";
import { endpoint } from "../../../../../lib/http/endpoint.js";
import { route } from "../../../../../lib/http/route.js";

export default route({
  GET: endpoint(
    {
      summary: "A conversation's messages, newest first",
      description:
        "Every member. A page at a time (`limit`, default 50, at most 200), `nextCursor` as `cursor` for older ones.",
      tags: ["shop chat"],
      auth: "user",
      params: ConversationParams,
      query: MessageListQuery,
      response: MessageList,
      limit: "read",
      errors: ["not_found"],
    },
    ({ db, params, query }) => listMessages(db.user, params.shopId, params.conversationId, query),
  ),
  POST: endpoint(
    {
      summary: "Reply to the customer",
      description:
        "Every member, as `seller`. Text and/or up to 5 attachments, each a reference to an object already uploaded to the `chat-attachments` Storage bucket under `<shopId>/` (JPEG, PNG, WebP, GIF or PDF, at most 10 MB; this API issues no upload URLs). Replying turns the AI off for the conversation and opens a closed one again. The shop's channel gets `message:new`. In a Telegram, Viber, Facebook or Instagram conversation the text is then sent through the platform (Facebook and Instagram: Meta's Send API from the Page) and `delivery` says how it went; when it could not be sent the reply stays saved (delivery `failed`) and the answer is a problem: 502 `provider_error` (the platform refused or did not answer; a token it no longer accepts also marks the channel needs_reconnect), 409 `conflict` (the channel is disconnected), 409 `outside_messaging_window` (Facebook and Instagram: the customer last wrote more than 24 hours ago, Meta's messaging window; checked before Meta is called, and Meta's own refusal answers the same) or 400 (attachments only: only text goes to these platforms).",
      tags: ["shop chat"],
      auth: "user",
      params: ConversationParams,
      body: SellerMessage,
      response: SentMessage,
      status: 201,
      limit: "write",
      privileged: {
        ledgerStep:
          "a reply in a channel conversation is sent with the shop's sealed bot or Page token and the customer's sealed id, which only the server opens",
      },
      errors: [
        "not_found",
        "bad_request",
        "conflict",
        "provider_error",
        "outside_messaging_window",
      ],
    },
    async ({ db, params, body }) =>
      deliverReply(
        db.service,
        await sendSellerMessage(db.user, params.shopId, params.conversationId, body),
      ),
  ),
});
