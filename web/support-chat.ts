// The demo's support chat: a visitor (signed in or not) asks the practice's support assistant, and
// the answer streams into the page as POST /api/ai/chat sends its server-sent events. The
// conversation lives here, in memory, and goes with each request; the server adds its own
// instructions and the practice's public facts (session types, prices, policies, opening hours).
// Text is inserted as text nodes, never as HTML. "Stop" closes the connection, which stops the
// model upstream; only what was used is charged.
import type { BastionClient } from "../client/bastion-client.js";
import { h, show } from "./dom.js";

interface Turn {
  role: "user" | "assistant";
  content: string;
}

interface StreamEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Splits a growing SSE text into complete events and the unfinished rest. */
function takeEvents(buffer: string): { events: StreamEvent[]; rest: string } {
  const blocks = buffer.split("\n\n");
  const rest = blocks.pop() ?? "";
  const events = blocks
    .filter((block) => block.trim() !== "")
    .map((block) => ({
      event: /^event: (.+)$/m.exec(block)?.[1] ?? "message",
      data: JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? "{}") as Record<string, unknown>,
    }));
  return { events, rest };
}

export function supportChat(client: BastionClient): HTMLElement {
  const history: Turn[] = [];
  const log = h("ol", { class: "chat-log", "aria-live": "polite" });
  const input = h("textarea", {
    name: "question",
    rows: 2,
    maxlength: 4000,
    required: true,
    "aria-label": "Your question",
    placeholder: "Ask about sessions, prices, cancelling…",
  });
  const send = h("button", { type: "submit" }, "Ask");
  const stop = h("button", { type: "button", hidden: true }, "Stop");
  const status = h("p", { class: "hint" });
  let running: AbortController | undefined;

  stop.addEventListener("click", () => running?.abort());

  const bubble = (role: Turn["role"], text: string) => {
    const paragraph = h("p", {}, text);
    log.append(
      h(
        "li",
        { class: `chat-${role}` },
        h("strong", {}, role === "user" ? "You: " : "Assistant: "),
        paragraph,
      ),
    );
    return paragraph;
  };

  async function ask(question: string): Promise<void> {
    history.push({ role: "user", content: question });
    bubble("user", question);
    const answer = bubble("assistant", "…");
    running = new AbortController();
    stop.hidden = false;
    send.disabled = true;
    show(status);
    let text = "";
    try {
      const token = client.session?.accessToken;
      const response = await fetch("/api/ai/chat", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          ...(token && { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify({ messages: history.slice(-20), assistant: "support" }),
        signal: running.signal,
      });
      if (!response.ok || !response.body) {
        const problem = (await response.json().catch(() => ({}))) as { detail?: string };
        throw new Error(problem.detail ?? `The assistant is unavailable (${response.status}).`);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const taken = takeEvents(buffer + value);
        buffer = taken.rest;
        for (const { event, data } of taken.events) {
          if (event === "delta") {
            text += String(data.text ?? "");
            answer.textContent = text;
          } else if (event === "done") {
            const local = data.provider === "local" ? " · answered by the local responder" : "";
            show(status, `Model ${String(data.model)}${local}.`);
          } else if (event === "error") {
            throw new Error(String(data.detail ?? "The assistant stopped."));
          }
        }
      }
      history.push({ role: "assistant", content: text || "(no answer)" });
    } catch (error) {
      if (running.signal.aborted) {
        show(status, "Stopped.");
        if (text) history.push({ role: "assistant", content: text });
        else history.pop();
      } else {
        history.pop();
        answer.textContent = text || "—";
        show(status, error instanceof Error ? error.message : "The assistant is unavailable.");
      }
    } finally {
      running = undefined;
      stop.hidden = true;
      send.disabled = false;
    }
  }

  const form = h("form", { class: "chat-form" }, input, send, stop);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question || running) return;
    input.value = "";
    void ask(question);
  });

  return h(
    "details",
    { class: "support-chat" },
    h("summary", {}, "Questions? Ask our assistant"),
    h(
      "p",
      { class: "hint" },
      "Answers come from the practice's published sessions, prices, policies and hours. Do not share personal or health details here.",
    ),
    log,
    form,
    status,
  );
}
