// The shop inbox (/inbox, signed in): a member picks one of their shops, sees its conversations
// with customers, opens one, reads it and replies. New messages and changed conversations arrive
// live over Supabase Realtime (client/realtime.ts joins the shop's private channel `shop:<id>`,
// which only the shop's members may join), opened with the public settings of GET /api/config
// and the session's own access token, the one the typed client keeps in memory (renewed through
// the httpOnly refresh cookie when it is about to expire). Everything else goes through the API.
import { type BastionClient, type Schemas, unwrap } from "../client/bastion-client.js";
import type { EventPayload, WebsocketService } from "../client/realtime.js";
import { busy, field, h, show } from "./dom.js";
import { clockTime } from "./format.js";
import { clearProblem, showProblem } from "./problems.js";

export const INBOX_PATH = "/inbox";

type Conversation = Schemas["Conversation"];
type Message = Schemas["ChatMessage"];
type Shop = Schemas["Me"]["shops"][number];

/** Renew the token for Realtime this long before it expires, as the typed client does. */
const RENEW_BEFORE_SECONDS = 60;

const CHANNEL_NAMES: Record<Conversation["channel"], string> = {
  web: "Web chat",
  facebook: "Facebook",
  instagram: "Instagram",
  tiktok: "TikTok",
  telegram: "Telegram",
  viber: "Viber",
};
const SENDER_NAMES: Record<Message["sender"], string> = {
  customer: "Customer",
  seller: "Team",
  ai: "AI",
  system: "Notice",
};

export interface InboxPage {
  element: HTMLElement;
  /** Leaves the shop's channel and closes the connection (the app shows another page). */
  close(): void;
}

export function shopInboxPage(client: BastionClient): InboxPage {
  const status = h("p", { class: "hint", role: "status" }, "Loading your shops…");
  const live = h("p", { class: "hint", role: "status" });
  const shopArea = h("div", {});
  const list = h("ul", { class: "bookings", "aria-label": "Conversations" });
  const conversationArea = h("div", {});
  const root = h(
    "div",
    {},
    h("section", { class: "card" }, h("h2", { tabindex: -1 }, "Shop inbox"), shopArea, status),
    h(
      "section",
      { class: "card", "aria-labelledby": "conversations-heading" },
      h("h3", { id: "conversations-heading" }, "Conversations"),
      live,
      list,
    ),
    conversationArea,
  );

  let service: WebsocketService | undefined;
  let shopId: string | undefined;
  let closed = false;
  /** The shown conversations by id, each with its list item and its last message. */
  const items = new Map<string, { conversation?: Conversation; item: HTMLLIElement }>();
  let open: { id: string; log: HTMLOListElement; seen: Set<string> } | undefined;

  const accessToken = async (): Promise<string | null> => {
    const session = client.session;
    if (!session) return null;
    if (session.expiresAt - RENEW_BEFORE_SECONDS <= Date.now() / 1000) {
      await client.restoreSession().catch(() => undefined);
    }
    return client.session?.accessToken ?? null;
  };

  const messageLine = (message: Pick<Message, "sender" | "text" | "createdAt">) =>
    h(
      "li",
      { class: `chat-${message.sender}` },
      h("strong", {}, `${SENDER_NAMES[message.sender]} (${clockTime(message.createdAt)}): `),
      h("p", {}, message.text || "(attachment)"),
    );

  /** The list item of a conversation: created on first sight (a live event may come first). */
  const itemFor = (id: string) => {
    const known = items.get(id);
    if (known) return known;
    const entry: { conversation?: Conversation; item: HTMLLIElement } = {
      item: h("li", { class: "booking" }),
    };
    items.set(id, entry);
    list.prepend(entry.item);
    drawItem(id);
    return entry;
  };

  const drawItem = (id: string, lastMessage?: Pick<Message, "sender" | "text">) => {
    const entry = items.get(id);
    if (!entry) return;
    const conversation = entry.conversation;
    const openButton = h("button", { type: "button", class: "secondary" }, "Open");
    openButton.addEventListener("click", () => void openConversation(id));
    const previous = entry.item.querySelector(".last-message")?.textContent ?? "";
    const preview = lastMessage
      ? `${SENDER_NAMES[lastMessage.sender]}: ${lastMessage.text || "(attachment)"}`
      : previous;
    show(
      entry.item,
      h(
        "p",
        {},
        conversation
          ? `${CHANNEL_NAMES[conversation.channel]} · ${conversation.status}${conversation.isAiActive ? " · AI answering" : ""}${conversation.lastMessageAt ? ` · ${clockTime(conversation.lastMessageAt)}` : ""}`
          : "New conversation",
      ),
      preview && h("p", { class: "hint last-message" }, preview),
      openButton,
    );
  };

  const loadConversations = async (forShop: string) => {
    const found = unwrap(
      await client.api.GET("/api/shops/{shopId}/conversations", {
        params: { path: { shopId: forShop }, query: { limit: 25 } },
      }),
    );
    if (forShop !== shopId) return;
    // Oldest first, each prepended: the newest ends on top.
    for (const conversation of [...found.conversations].reverse()) {
      const entry = itemFor(conversation.id);
      entry.conversation = conversation;
      drawItem(conversation.id);
    }
    if (items.size === 0) show(list, h("li", { class: "hint empty" }, "No conversations yet."));
  };

  const onMessage = (payload: EventPayload) => {
    const message = payload as unknown as Message;
    if (payload.shopId !== shopId || typeof message.conversationId !== "string") return;
    list.querySelector(".empty")?.remove();
    itemFor(message.conversationId);
    drawItem(message.conversationId, message);
    // The conversation with the newest message goes on top.
    const entry = items.get(message.conversationId);
    if (entry) list.prepend(entry.item);
    if (open?.id === message.conversationId && !open.seen.has(message.id)) {
      open.seen.add(message.id);
      open.log.append(messageLine(message));
    }
  };

  const onConversation = (payload: EventPayload) => {
    const conversation = payload as unknown as Conversation;
    if (payload.shopId !== shopId || typeof conversation.id !== "string") return;
    list.querySelector(".empty")?.remove();
    const entry = itemFor(conversation.id);
    entry.conversation = { ...entry.conversation, ...conversation };
    drawItem(conversation.id);
  };

  const openConversation = async (id: string) => {
    if (!shopId) return;
    const forShop = shopId;
    const log = h("ol", { class: "chat-log", "aria-live": "polite", "aria-label": "Messages" });
    const seen = new Set<string>();
    open = { id, log, seen };
    const reply = h("textarea", { name: "text", rows: 2, maxlength: 4000, required: true });
    const sendButton = h("button", { type: "submit" }, "Send reply");
    const outcome = h("div", {});
    const form = h(
      "form",
      { class: "chat-form-area" },
      field("Reply", reply),
      h("div", { class: "actions" }, sendButton),
      outcome,
    );
    const heading = h("h3", { tabindex: -1 }, "Conversation");
    show(conversationArea, h("section", { class: "card" }, heading, log, form));
    heading.focus();
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = reply.value.trim();
      if (!text) return;
      void busy(
        sendButton,
        async () => {
          clearProblem({ at: outcome });
          try {
            const sent = unwrap(
              await client.api.POST("/api/shops/{shopId}/conversations/{conversationId}/messages", {
                params: { path: { shopId: forShop, conversationId: id } },
                body: { text, attachments: [] },
              }),
            );
            reply.value = "";
            if (open?.id === id && !seen.has(sent.id)) {
              seen.add(sent.id);
              log.append(messageLine(sent));
            }
          } catch (error) {
            showProblem(error, { action: "load", at: outcome });
          }
        },
        "Sending…",
      );
    });
    try {
      const found = unwrap(
        await client.api.GET("/api/shops/{shopId}/conversations/{conversationId}/messages", {
          params: { path: { shopId: forShop, conversationId: id }, query: { limit: 50 } },
        }),
      );
      if (open?.id !== id) return;
      // Newest first from the API; a live message may already be shown.
      const shown = [...log.children];
      for (const message of [...found.messages].reverse()) {
        if (seen.has(message.id)) continue;
        seen.add(message.id);
        log.insertBefore(messageLine(message), shown[0] ?? null);
      }
    } catch (error) {
      showProblem(error, { action: "load", at: log });
    }
  };

  const openShop = async (shop: Shop) => {
    if (service && shopId) service.emit("shop:leave", shopId);
    shopId = shop.id;
    items.clear();
    open = undefined;
    show(list);
    show(conversationArea);
    show(live, "Connecting to live updates…");
    clearProblem({ at: status });
    try {
      if (!service) {
        // supabase-js comes in its own chunk, loaded by this page only.
        const [config, { createWebsocketService }] = await Promise.all([
          client.api.GET("/api/config").then(unwrap),
          import("../client/realtime.js"),
        ]);
        if (closed) return;
        service = createWebsocketService({ ...config, accessToken });
        service.on("message:new", onMessage);
        service.on("conversation:update", onConversation);
        service.on("joined", (payload) => {
          if (payload.shopId !== shopId) return;
          show(live, "Live updates on.");
          // Whatever changed between the first load and the join.
          void loadConversations(shop.id).catch(() => undefined);
        });
        service.on("error", (payload) => {
          if (payload.shopId !== shopId) return;
          show(live, "Live updates are unavailable; trying again…");
        });
        service.connect();
      }
      service.emit("shop:join", shop.id);
      await loadConversations(shop.id);
    } catch (error) {
      showProblem(error, { action: "load", at: status });
    }
  };

  void (async () => {
    try {
      const me = unwrap(await client.api.GET("/api/auth/me"));
      if (closed) return;
      const [first] = me.shops;
      if (!first) {
        show(status, "You are not a member of any shop yet.");
        return;
      }
      show(status);
      const picker = h(
        "select",
        { name: "shop" },
        ...me.shops.map((shop) => h("option", { value: shop.id }, `${shop.name} (${shop.role})`)),
      );
      picker.addEventListener("change", () => {
        const shop = me.shops.find((candidate) => candidate.id === picker.value);
        if (shop) void openShop(shop);
      });
      show(shopArea, field("Shop", picker));
      await openShop(first);
    } catch (error) {
      show(status);
      showProblem(error, { action: "load", at: status });
    }
  })();

  return {
    element: root,
    close() {
      closed = true;
      void service?.disconnect();
      service = undefined;
    },
  };
}
