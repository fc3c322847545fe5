// The page the provider sends the connect popup back to (GET /oauth/<platform>/callback): a tiny
// HTML page under its own strict CSP (default-src 'none'; the one inline script allowed by its
// SHA-256) that posts {platform, status, …} to window.opener at APP_URL's origin only, then
// closes. The message is a JSON data block the script reads (never executed, `<` escaped); it
// carries public ids and names or an error code, never a token or a code.
import { createHash } from "node:crypto";

const SCRIPT =
  'var d=JSON.parse(document.getElementById("result").textContent);' +
  "if(window.opener){window.opener.postMessage(d.message,d.origin)}window.close();";

export const CALLBACK_SCRIPT_HASH = `sha256-${createHash("sha256").update(SCRIPT).digest("base64")}`;

export const CALLBACK_CSP = [
  "default-src 'none'",
  `script-src '${CALLBACK_SCRIPT_HASH}'`,
  "style-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export interface PublicAccount {
  id: string;
  name: string | null;
  username: string | null;
}

export type CallbackMessage =
  | { platform: string; status: "connected"; account: PublicAccount }
  | { platform: string; status: "select"; accounts: PublicAccount[]; expiresAt: string }
  | { platform: string; status: "error"; error: string };

const TEXT: Record<CallbackMessage["status"], string> = {
  connected: "Connected. You can close this window.",
  select: "Choose the account to connect in Bastion. You can close this window.",
  error: "The connection did not complete. You can close this window and try again.",
};

export function callbackPage(appOrigin: string, message: CallbackMessage): Response {
  const data = JSON.stringify({ origin: appOrigin, message })
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bastion</title>
<script type="application/json" id="result">${data}</script>
<script>${SCRIPT}</script></head>
<body><p>${TEXT[message.status]}</p></body></html>
`;
  return new Response(html, {
    status: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": CALLBACK_CSP,
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
    },
  });
}
