// An HTTP proxy in front of the local Upstash endpoint that can lose one reply on demand: it
// forwards the matching request, so the command runs in Redis, then drops the connection, so
// the client sees a network error and retries — the case of a reply lost on the way back.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReplyDroppingProxy {
  url: string;
  /** The next request whose JSON body matches `pattern` runs upstream but gets no reply. */
  dropNextReply(pattern: RegExp): void;
  /** How many replies were dropped so far. */
  dropped(): number;
  close(): Promise<void>;
}

export async function startReplyDroppingProxy(upstream: string): Promise<ReplyDroppingProxy> {
  let armed: RegExp | undefined;
  let dropped = 0;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const headers: Record<string, string> = { "content-type": "application/json" };
    for (const name of ["authorization", "upstash-encoding"]) {
      const value = request.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const reply = await fetch(`${upstream}${request.url}`, { method: "POST", headers, body });
    const text = await reply.text();
    if (armed?.test(body)) {
      armed = undefined;
      dropped++;
      request.socket.destroy();
      return;
    }
    response.writeHead(reply.status, { "content-type": "application/json" }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropNextReply: (pattern) => {
      armed = pattern;
    },
    dropped: () => dropped,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
