// A network-level fake of Twilio's Messages API (POST /2010-04-01/Accounts/<sid>/Messages.json),
// for the real `twilio` SDK pointed at it with TWILIO_API_URL. It checks Basic auth with the
// account SID and auth token, keeps each message as Twilio received it (form-encoded) and answers
// with a message resource.
import { randomBytes } from "node:crypto";
import { type RunningServer, serve } from "../../dev/web-server.js";

export interface FakeSms {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
}

export interface FakeTwilio {
  url: string;
  sent: FakeSms[];
  close(): Promise<void>;
}

export async function startFakeTwilio(accountSid: string, authToken: string): Promise<FakeTwilio> {
  const sent: FakeSms[] = [];
  const basic = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
  const messages = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const server: RunningServer = await serve(
    async (request) => {
      if (request.headers.get("authorization") !== basic) {
        return Response.json(
          { code: 20003, message: "Authenticate", status: 401 },
          { status: 401 },
        );
      }
      if (request.method !== "POST" || new URL(request.url).pathname !== messages) {
        return Response.json({ code: 20404, message: "Not found", status: 404 }, { status: 404 });
      }
      const form = new URLSearchParams(await request.text());
      const sms: FakeSms = {
        sid: `SM${randomBytes(16).toString("hex")}`,
        to: form.get("To") ?? "",
        from: form.get("From") ?? "",
        body: form.get("Body") ?? "",
        statusCallback: form.get("StatusCallback"),
      };
      sent.push(sms);
      return Response.json(
        {
          sid: sms.sid,
          account_sid: accountSid,
          to: sms.to,
          from: sms.from,
          body: sms.body,
          status: "queued",
        },
        { status: 201 },
      );
    },
    { port: 0 },
  );
  return { url: server.url, sent, close: () => server.close() };
}
