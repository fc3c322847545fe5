// The live chat operations' examples for the OpenAPI document (lib/openapi/examples.ts spreads
// them in): a customer asks a pottery shop about a mug through its web widget, the shop's AI
// answers, and an agent takes the conversation over. Dates are counted from when the document is
// built.
import type * as z from "zod";
import type { ConversationChange, ConversationList, ConversationView } from "./conversations.js";
import type { MessageList, MessageView, SellerMessage } from "./messages.js";
import type { ChatStarted, CustomerChat, CustomerMessage } from "./widget.js";

const SHOP_ID = "3f8a2c6e-1d4b-4e9a-b7c5-0a2e4d6f8b13";
const CONVERSATION_ID = "c7a1e3f5-2b4d-4c6e-8a0b-1d3f5a7c9e20";
const AGENT_ID = "5d2b8f14-7c3a-4e9b-a1d6-0f8e2c4b6a93";
/** What a conversation token looks like (this one opens no conversation). */
const TOKEN = "ct_Qm4n6B8v0C2x4Z6a8S0d2Fq1W3e5R7t9Y1u3I5o7P9a";

type Example = {
  parameters?: Record<string, string | number>;
  request?: unknown;
  response?: unknown;
};

export function chatExamples(now: Date): Record<string, Example> {
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
  const customerMessage = {
    id: "0e6c2a48-9d1f-4b3a-8e5c-7a9b1d3f5e01",
    sender: "customer" as const,
    text: "Is the blue mug dishwasher safe?",
    createdAt: at(-30),
  };
  const aiMessage = {
    id: "1f7d3b59-0e2a-4c4b-9f6d-8b0c2e4a6f12",
    sender: "ai" as const,
    text: "Yes: the Blue mug (€24.50, in stock) is dishwasher safe.",
    createdAt: at(-29),
  };
  const sellerMessage: z.output<typeof MessageView> = {
    id: "2a8e4c60-1f3b-4d5c-a07e-9c1d3f5b7a23",
    conversationId: CONVERSATION_ID,
    sender: "seller",
    senderUserId: AGENT_ID,
    text: "Hi, Maria here: we can also gift-wrap it for you.",
    attachments: [
      { path: `${SHOP_ID}/care-guide.pdf`, contentType: "application/pdf", size: 48_213 },
    ],
    createdAt: at(-5),
  };
  const conversation: z.output<typeof ConversationView> = {
    id: CONVERSATION_ID,
    shopId: SHOP_ID,
    channel: "web",
    status: "pending",
    assigneeId: AGENT_ID,
    tags: ["gift", "mugs"],
    notes: "Wants it by Friday",
    isAiActive: false,
    lastMessageAt: at(-5),
    createdAt: at(-30),
    updatedAt: at(-5),
  };
  const inShop = { shopId: SHOP_ID };
  const inConversation = { shopId: SHOP_ID, conversationId: CONVERSATION_ID };
  return {
    "POST /api/shops/{shopId}/chat": {
      parameters: inShop,
      request: { text: customerMessage.text } satisfies z.input<typeof CustomerMessage>,
      response: {
        conversationId: CONVERSATION_ID,
        conversationToken: TOKEN,
        status: "open",
        aiActive: true,
        message: customerMessage,
      } satisfies z.output<typeof ChatStarted>,
    },
    "GET /api/shops/{shopId}/chat/messages": {
      parameters: { ...inShop, after: customerMessage.createdAt },
      response: {
        conversationId: CONVERSATION_ID,
        status: "open",
        messages: [aiMessage],
      } satisfies z.output<typeof CustomerChat>,
    },
    "POST /api/shops/{shopId}/chat/messages": {
      parameters: inShop,
      request: { text: "Great, I'll take two." } satisfies z.input<typeof CustomerMessage>,
      response: { ...customerMessage, text: "Great, I'll take two.", createdAt: at(-1) },
    },
    "GET /api/shops/{shopId}/conversations": {
      parameters: { ...inShop, status: "pending", assignee: "me", limit: 25 },
      response: { conversations: [conversation], nextCursor: null } satisfies z.output<
        typeof ConversationList
      >,
    },
    "GET /api/shops/{shopId}/conversations/{conversationId}": {
      parameters: inConversation,
      response: conversation,
    },
    "PUT /api/shops/{shopId}/conversations/{conversationId}": {
      parameters: inConversation,
      request: {
        status: "pending",
        assigneeId: AGENT_ID,
        tags: ["gift", "mugs"],
        notes: "Wants it by Friday",
        isAiActive: false,
      } satisfies z.input<typeof ConversationChange>,
      response: conversation,
    },
    "GET /api/shops/{shopId}/conversations/{conversationId}/messages": {
      parameters: { ...inConversation, limit: 50 },
      response: {
        messages: [
          sellerMessage,
          { ...aiMessage, conversationId: CONVERSATION_ID, senderUserId: null, attachments: [] },
          {
            ...customerMessage,
            conversationId: CONVERSATION_ID,
            senderUserId: null,
            attachments: [],
          },
        ],
        nextCursor: null,
      } satisfies z.output<typeof MessageList>,
    },
    "POST /api/shops/{shopId}/conversations/{conversationId}/messages": {
      parameters: inConversation,
      request: {
        text: sellerMessage.text,
        attachments: sellerMessage.attachments,
      } satisfies z.input<typeof SellerMessage>,
      // delivery: how a Telegram or Viber conversation's platform took it (lib/channels); null here.
      response: { ...sellerMessage, delivery: null },
    },
  };
}
