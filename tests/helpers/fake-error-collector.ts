// A network-level fake of Sentry's ingestion endpoint (POST /api/<project>/envelope/), for the
// real @sentry/node SDK pointed at it with SENTRY_DSN=http://<key>@127.0.0.1:<port>/<project>.
// It keeps each envelope as received (the raw text, for "nothing personal anywhere in it") and
// its items parsed (an envelope is newline-delimited JSON: a header, then item header and
// payload pairs).
import { gunzipSync } from "node:zlib";
import { type RunningServer, serve } from "../../dev/web-server.js";

export interface Envelope {
  raw: string;
  header: Record<string, unknown>;
  items: { header: Record<string, unknown>; payload: Record<string, unknown> }[];
}

export interface FakeErrorCollector {
  dsn: string;
  envelopes: Envelope[];
  /** The error events received, in order. */
  events(): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startFakeErrorCollector(project = 42): Promise<FakeErrorCollector> {
  const envelopes: Envelope[] = [];
  const server: RunningServer = await serve(
    async (request) => {
      if (
        request.method !== "POST" ||
        new URL(request.url).pathname !== `/api/${project}/envelope/`
      ) {
        return new Response("not found", { status: 404 });
      }
      const bytes = Buffer.from(await request.arrayBuffer());
      const raw = (
        request.headers.get("content-encoding") === "gzip" ? gunzipSync(bytes) : bytes
      ).toString("utf8");
      const [header = "{}", ...rest] = raw.split("\n").filter((line) => line.length > 0);
      const items: Envelope["items"] = [];
      for (let i = 0; i + 1 < rest.length; i += 2) {
        items.push({
          header: JSON.parse(rest[i] ?? "{}"),
          payload: JSON.parse(rest[i + 1] ?? "{}"),
        });
      }
      envelopes.push({ raw, header: JSON.parse(header), items });
      return Response.json({ id: "0" });
    },
    { port: 0 },
  );
  const { host } = new URL(server.url);
  return {
    dsn: `http://0123456789abcdef0123456789abcdef@${host}/${project}`,
    envelopes,
    events: () =>
      envelopes.flatMap((envelope) =>
        envelope.items.filter((item) => item.header.type === "event").map((item) => item.payload),
      ),
    close: () => server.close(),
  };
}
