// A network-level fake of Meta's Send API (POST <graph>/<version>/<page id>/messages with the
// Page access token as a Bearer token, body {recipient: {id}, messaging_type, message: {text}}),
// for lib/channels/meta.ts pointed at it with META_GRAPH_URL. Answers {recipient_id,
// message_id}, or Meta's error shape {error: {message, type, code, error_subcode, fbtrace_id}}:
// 190 for a token it does not know (or one revoked), 10/2018278 for a recipient outside the
// 24-hour window (as Meta says it, whatever Bastion believes). `deliver` posts a webhook to
// Bastion signed as Meta signs it (X-Hub-Signature-256: sha256= and the HMAC-SHA256 hex of the
// raw body under the app secret).
import { createHmac, randomBytes } from "node:crypto";
import { type RunningServer, serve } from "../../dev/web-server.js";

export interface FakeMetaSent {
  pageId: string;
  recipient: string;
  text: string;
  messagingType: string;
  messageId: string;
}

export interface FakeMetaSend {
  url: string;
  /** Every call to …/messages, answered or not. */
  calls: number;
  sent: FakeMetaSent[];
  /** Registers a Page and its token. */
  page(pageId: string, token: string): void;
  /** The token stops working (Meta answers 190). */
  revoke(token: string): void;
  /** Meta answers this recipient 10/2018278 (outside the allowed window). */
  outsideWindow: Set<string>;
  close(): Promise<void>;
}

export const metaSignatureHeader = (body: string, appSecret: string) =>
  `sha256=${createHmac("sha256", appSecret).update(body, "utf8").digest("hex")}`;

/** Posts `delivery` to Bastion's Meta webhook, signed with `appSecret`. */
export function deliverToMeta(
  webhookUrl: string,
  delivery: unknown,
  appSecret: string,
): Promise<Response> {
  const body = JSON.stringify(delivery);
  return fetch(webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": metaSignatureHeader(body, appSecret),
    },
    body,
  });
}

const graphError = (status: number, code: number, subcode: number | undefined, message: string) =>
  Response.json(
    {
      error: {
        message,
        type: code === 190 ? "OAuthException" : "OAuthException",
        code,
        ...(subcode !== undefined && { error_subcode: subcode }),
        fbtrace_id: randomBytes(8).toString("hex"),
      },
    },
    { status },
  );

export async function startFakeMetaSend(): Promise<FakeMetaSend> {
  const pages = new Map<string, string>();
  const revoked = new Set<string>();
  let messages = 1;
  const fake = {
    calls: 0,
    sent: [] as FakeMetaSent[],
    outsideWindow: new Set<string>(),
  };
  const server: RunningServer = await serve(
    async (request) => {
      const match = /^\/v\d+\.\d\/(\d+)\/messages$/.exec(new URL(request.url).pathname);
      if (!match?.[1] || request.method !== "POST") {
        return graphError(400, 100, undefined, "Unsupported request");
      }
      fake.calls++;
      const pageId = match[1];
      const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
      if (pages.get(pageId) !== token || revoked.has(token)) {
        return graphError(400, 190, 460, "Error validating access token");
      }
      const body = (await request.json().catch(() => ({}))) as {
        recipient?: { id?: string };
        messaging_type?: string;
        message?: { text?: string };
      };
      const recipient = String(body.recipient?.id ?? "");
      if (fake.outsideWindow.has(recipient)) {
        return graphError(
          400,
          10,
          2018278,
          "(#10) This message is sent outside of allowed window.",
        );
      }
      const messageId = `m_${randomBytes(12).toString("base64url")}${messages++}`;
      fake.sent.push({
        pageId,
        recipient,
        text: String(body.message?.text ?? ""),
        messagingType: String(body.messaging_type ?? ""),
        messageId,
      });
      return Response.json({ recipient_id: recipient, message_id: messageId });
    },
    { port: 0 },
  );
  return Object.assign(fake, {
    url: server.url,
    page(pageId: string, token: string) {
      pages.set(pageId, token);
    },
    revoke(token: string) {
      revoked.add(token);
    },
    close: () => server.close(),
  });
}
