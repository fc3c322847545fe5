// Serves a Web-signature handler (Request in, Response out) over node:http, the way the local
// stack's three servers (Supabase API, Upstash endpoint, Vercel-style API) all work.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { PortInUseError } from "./ports.js";

export interface RequestContext {
  /** The TCP peer's address: what a platform would put in its client-IP header. */
  remoteAddress: string;
}

export type WebHandler = (request: Request, context: RequestContext) => Promise<Response>;

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Takes over a connection that asks to upgrade (a WebSocket); without one it is closed. */
export type UpgradeHandler = (request: IncomingMessage, socket: Socket, head: Buffer) => void;

export async function serve(
  handler: WebHandler,
  options: { port: number; hostname?: string; onUpgrade?: UpgradeHandler },
): Promise<RunningServer> {
  const hostname = options.hostname ?? "127.0.0.1";
  const server = createServer((req, res) => {
    void respond(handler, req, res, hostname);
  });
  const { onUpgrade } = options;
  if (onUpgrade)
    server.on("upgrade", (req, socket, head) => onUpgrade(req, socket as Socket, head));
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new PortInUseError(
              options.port,
              `Port ${options.port} on ${hostname} is already in use (another program listens on it).`,
            )
          : error,
      );
    });
    server.listen(options.port, hostname, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${hostname}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function respond(
  handler: WebHandler,
  req: IncomingMessage,
  res: ServerResponse,
  hostname: string,
): Promise<void> {
  try {
    const request = await toWebRequest(req, hostname);
    const response = await handler(request, { remoteAddress: req.socket.remoteAddress ?? "" });
    await writeWebResponse(response, res, req.method === "HEAD");
  } catch (error) {
    console.error("[dev] unhandled error", error);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end("Internal Server Error");
  }
}

async function toWebRequest(req: IncomingMessage, hostname: string): Promise<Request> {
  // Joined as text: new URL("//evil.example/x", base) would read the path as a host name.
  const path = req.url?.startsWith("/") ? req.url : "/";
  const url = new URL(`http://${req.headers.host ?? hostname}${path}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const chunks: Buffer[] = [];
  if (hasBody) for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Request(url, {
    method: req.method ?? "GET",
    headers,
    body: hasBody ? Buffer.concat(chunks) : null,
  });
}

async function writeWebResponse(
  response: Response,
  res: ServerResponse,
  isHead: boolean,
): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, response.statusText, headers);
  if (!response.body || isHead) {
    res.end();
    return;
  }
  // Streamed, so server-sent events reach the browser as they are written. A client that goes
  // away cancels the body, as a platform does, so a streaming function sees it and stops.
  const body = Readable.fromWeb(response.body as NodeReadableStream);
  await new Promise<void>((resolve, reject) => {
    body.pipe(res);
    body.on("end", resolve);
    body.on("error", reject);
    res.on("close", () => {
      if (!res.writableFinished) body.destroy();
      resolve();
    });
  });
}
