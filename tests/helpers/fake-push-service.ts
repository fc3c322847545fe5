// A Web Push service on the loopback address, as browsers' push services (FCM, Mozilla
// autopush) behave to an application server: it hands out subscriptions (an endpoint and the
// browser's P-256 key and auth secret, generated here as a browser would), and for each POST to
// an endpoint it checks the VAPID authorization (RFC 8292: `vapid t=<JWT>, k=<key>`, ES256
// signed by that key, aud = this service's origin, exp in the future and at most 24 h away, a
// sub), the TTL header and `Content-Encoding: aes128gcm`, then decrypts the body as the browser
// would (RFC 8291 + RFC 8188) and records the plaintext. An endpoint marked gone answers 410, an
// unknown one 404; a request that fails a check answers 400/401/403 and is recorded as refused.
import { createDecipheriv, createECDH, createHmac, randomBytes, randomUUID } from "node:crypto";
import { importJWK, jwtVerify } from "jose";
import { type RunningServer, serve } from "../../dev/web-server.js";

export interface BrowserSubscription {
  endpoint: string;
  expirationTime: null;
  keys: { p256dh: string; auth: string };
}

export interface Delivered {
  subscriptionId: string;
  payload: unknown;
  ttl: number;
  subject: string;
  vapidKey: string;
}

export interface FakePushService extends RunningServer {
  /** A new browser subscription on this service. */
  subscribe(): BrowserSubscription;
  /** From now on the subscription's endpoint answers 410 Gone (the user unsubscribed). */
  expire(endpoint: string): void;
  delivered: Delivered[];
  refused: { endpoint: string; status: number; reason: string }[];
}

interface Browser {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
  gone: boolean;
}

const b64url = (bytes: Buffer) => bytes.toString("base64url");

export async function startFakePushService(): Promise<FakePushService> {
  const browsers = new Map<string, Browser>();
  const delivered: Delivered[] = [];
  const refused: FakePushService["refused"] = [];
  let origin = "";

  const server = await serve(
    async (request) => {
      const url = new URL(request.url);
      const id = /^\/push\/([\w-]+)$/.exec(url.pathname)?.[1] ?? "";
      const browser = browsers.get(id);
      const refuse = (status: number, reason: string) => {
        refused.push({ endpoint: url.pathname, status, reason });
        return Response.json({ reason }, { status });
      };
      if (request.method !== "POST") return refuse(405, "POST only");
      if (!browser) return refuse(404, "no such subscription");
      if (browser.gone) return refuse(410, "subscription expired or unsubscribed");

      const authorization = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(
        request.headers.get("authorization") ?? "",
      );
      if (!authorization) return refuse(401, "missing VAPID authorization (vapid t=…, k=…)");
      const [, jwt = "", key = ""] = authorization;
      const point = Buffer.from(key, "base64url");
      if (point.length !== 65 || point[0] !== 4) return refuse(401, "k is not a P-256 point");
      let claims: Record<string, unknown>;
      try {
        const publicKey = await importJWK(
          {
            kty: "EC",
            crv: "P-256",
            x: b64url(point.subarray(1, 33)),
            y: b64url(point.subarray(33, 65)),
          },
          "ES256",
        );
        ({ payload: claims } = await jwtVerify(jwt, publicKey, {
          algorithms: ["ES256"],
          audience: origin,
        }));
      } catch (error) {
        return refuse(403, `VAPID JWT rejected: ${(error as Error).message}`);
      }
      const now = Math.floor(Date.now() / 1000);
      if (typeof claims.exp !== "number" || claims.exp > now + 24 * 3600) {
        return refuse(403, "VAPID JWT exp missing or more than 24 hours away");
      }
      if (typeof claims.sub !== "string" || !/^(mailto:|https:)/.test(claims.sub)) {
        return refuse(403, "VAPID JWT sub must be a mailto: or https: contact");
      }
      const ttl = Number(request.headers.get("ttl"));
      if (!Number.isInteger(ttl) || ttl < 0) return refuse(400, "TTL header missing");
      if (request.headers.get("content-encoding") !== "aes128gcm") {
        return refuse(415, "Content-Encoding must be aes128gcm");
      }
      let plaintext: string;
      try {
        plaintext = decrypt(browser, Buffer.from(await request.arrayBuffer()));
      } catch (error) {
        return refuse(400, `payload does not decrypt: ${(error as Error).message}`);
      }
      delivered.push({
        subscriptionId: id,
        payload: JSON.parse(plaintext) as unknown,
        ttl,
        subject: claims.sub,
        vapidKey: key,
      });
      return new Response(null, {
        status: 201,
        headers: { location: `${origin}/message/${randomUUID()}` },
      });
    },
    { port: 0 },
  );
  origin = server.url;

  return {
    ...server,
    delivered,
    refused,
    subscribe() {
      const id = randomUUID();
      const ecdh = createECDH("prime256v1");
      ecdh.generateKeys();
      const auth = randomBytes(16);
      browsers.set(id, { ecdh, auth, gone: false });
      return {
        endpoint: `${origin}/push/${id}`,
        expirationTime: null,
        keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(auth) },
      };
    },
    expire(endpoint) {
      const id = endpoint.split("/").at(-1) ?? "";
      const browser = browsers.get(id);
      if (browser) browser.gone = true;
    },
  };
}

const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest();

/** RFC 8291 §3.4 key derivation, then one RFC 8188 aes128gcm record. */
function decrypt(browser: Browser, body: Buffer): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const keyIdLength = body[20] ?? 0;
  const serverKey = body.subarray(21, 21 + keyIdLength);
  const record = body.subarray(21 + keyIdLength);
  if (keyIdLength !== 65) throw new Error("keyid is not the server's P-256 public key");
  if (record.length > recordSize) throw new Error("more than one record");
  const sharedSecret = browser.ecdh.computeSecret(serverKey);
  const keyInfo = Buffer.concat([
    Buffer.from("WebPush: info\0"),
    browser.ecdh.getPublicKey(),
    serverKey,
  ]);
  const ikm = hmac(hmac(browser.auth, sharedSecret), Buffer.concat([keyInfo, Buffer.from([1])]));
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0\x01")).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0\x01")).subarray(0, 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([
    decipher.update(record.subarray(0, record.length - 16)),
    decipher.final(),
  ]);
  // The last record ends with the delimiter 0x02, then any zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error("last record's padding delimiter missing");
  return padded.subarray(0, end).toString("utf8");
}
