// The request headers the Vercel edge sets before a function runs. The client address comes from
// the TCP socket, and whatever the client sent in these headers (or any other x-vercel-* header)
// is dropped first: on Vercel a client cannot forge them, so code may rely on them.
import { randomBytes } from "node:crypto";

/** One per server process, like the pod id in the ids `vercel dev` hands out. */
const POD_ID = randomBytes(3).toString("hex");

/** Shaped like `vercel dev`'s ids: `dev1::<pod>-<epoch ms>-<random>`. */
export function createRequestId(): string {
  return `dev1::${POD_ID}-${Date.now()}-${randomBytes(6).toString("hex")}`;
}

const CLIENT_SUPPLIED = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip"];

export function withPlatformHeaders(
  original: Headers,
  platform: { remoteAddress: string; requestId: string },
): Headers {
  const headers = new Headers();
  original.forEach((value, name) => {
    if (!CLIENT_SUPPLIED.includes(name) && !name.startsWith("x-vercel-"))
      headers.append(name, value);
  });
  const clientIp = platform.remoteAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
  const host = original.get("host") ?? "";
  headers.set("x-forwarded-for", clientIp);
  headers.set("x-real-ip", clientIp);
  headers.set("x-vercel-forwarded-for", clientIp);
  headers.set("x-forwarded-host", host);
  headers.set("x-forwarded-proto", "http");
  headers.set("x-vercel-deployment-url", host);
  headers.set("x-vercel-id", platform.requestId);
  return headers;
}
