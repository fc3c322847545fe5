// A shop's customer chat widget (/shops/:shopId/chat, public, no account): the first message
// starts a conversation (POST /api/shops/{shopId}/chat), which answers a conversation token shown
// once; the page keeps it in memory only (a reload starts a new conversation) and sends it as
// X-Conversation-Token to write and to poll for replies every couple of seconds. Customers do not
// join Realtime: the shop's channel is for its members.
import { type BastionClient, type Schemas, unwrap } from "../client/bastion-client.js";
import { busy, field, h, show } from "./dom.js";
import { clockTime } from "./format.js";
import { clearProblem, showProblem } from "./problems.js";

export const SHOP_CHAT_PATH = /^\/shops\/([0-9a-f-]{36})\/chat\/?$/i;

type CustomerMessage = Schemas["CustomerChat"]["messages"][number];

/** How often the widget asks for new messages, and after a failed ask. */
const POLL_MS = 2_000;
const POLL_AFTER_FAILURE_MS = 10_000;

const SENDER_NAMES: Record<CustomerMessage["sender"], string> = {
  customer: "You",
  seller: "Shop",
  ai: "Shop assistant (AI)",
  system: "Notice",
};

export function shopChatPage(client: BastionClient, shopId: string): HTMLElement {
  const log = h("ol", { class: "chat-log", "aria-live": "polite", "aria-label": "Messages" });
  const text = h("textarea", { name: "text", rows: 3, maxlength: 4000, required: true });
  const sendButton = h("button", { type: "submit" }, "Send");
  const outcome = h("div", {});
  const status = h("p", { class: "hint", role: "status" });
  const form = h(
    "form",
    { class: "card" },
    h("h2", { tabindex: -1 }, "Chat with the shop"),
    h(
      "p",
      { class: "hint" },
      "No account needed. The shop's team (and, when it is on, the shop's AI assistant) answers here. Do not share passwords or card details.",
    ),
    log,
    field("Your message", text),
    h("div", { class: "actions" }, sendButton),
    outcome,
    status,
  );

  let conversation: { id: string; token: string } | undefined;
  const seen = new Set<string>();
  let lastSeenAt: string | undefined;

  const append = (message: CustomerMessage) => {
    if (seen.has(message.id)) return;
    seen.add(message.id);
    if (!lastSeenAt || message.createdAt > lastSeenAt) lastSeenAt = message.createdAt;
    log.append(
      h(
        "li",
        { class: `chat-${message.sender}` },
        h("strong", {}, `${SENDER_NAMES[message.sender]} (${clockTime(message.createdAt)}): `),
        h("p", {}, message.text),
      ),
    );
  };

  const poll = async () => {
    // The page was left: stop asking.
    if (!form.isConnected || !conversation) return;
    let next = POLL_MS;
    try {
      const chat = unwrap(
        await client.api.GET("/api/shops/{shopId}/chat/messages", {
          params: { path: { shopId }, query: { ...(lastSeenAt && { after: lastSeenAt }) } },
          headers: { "X-Conversation-Token": conversation.token },
        }),
      );
      for (const message of chat.messages) append(message);
      show(status, chat.status === "closed" ? "The shop closed this conversation." : "");
    } catch {
      next = POLL_AFTER_FAILURE_MS;
      show(status, "New messages could not be loaded; trying again shortly.");
    }
    setTimeout(() => void poll(), next);
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const message = text.value.trim();
    if (!message) return;
    void busy(
      sendButton,
      async () => {
        clearProblem({ at: outcome, form });
        try {
          if (conversation) {
            append(
              unwrap(
                await client.api.POST("/api/shops/{shopId}/chat/messages", {
                  params: { path: { shopId } },
                  headers: { "X-Conversation-Token": conversation.token },
                  body: { text: message },
                }),
              ),
            );
          } else {
            const started = unwrap(
              await client.api.POST("/api/shops/{shopId}/chat", {
                params: { path: { shopId } },
                body: { text: message },
              }),
            );
            conversation = { id: started.conversationId, token: started.conversationToken };
            append(started.message);
            setTimeout(() => void poll(), POLL_MS);
          }
          text.value = "";
          text.focus();
        } catch (error) {
          showProblem(error, { action: "load", at: outcome, form });
        }
      },
      "Sending…",
    );
  });

  return form;
}
