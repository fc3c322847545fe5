// Browser extensions as clients (ALLOWED_EXTENSION_IDS). What the browsers put on an extension's
// requests decides what can be checked:
// - Chrome and Edge send `Origin: chrome-extension://<id>` from the extension's pages and service
//   worker, the id being the one in the store: an exact, allowlistable origin.
// - Firefox sends `Origin: moz-extension://<uuid>`, a uuid drawn per installation, not the add-on
//   id: no origin can be allowlisted, so any moz-extension origin counts while a Firefox id is
//   allowlisted. Nothing rests on that: an extension's session is the refresh token it holds and
//   sends in the body, never an ambient cookie a foreign page or extension could ride on.
// - chrome.identity.launchWebAuthFlow / browser.identity.launchWebAuthFlow end when the flow
//   reaches the extension's redirect URL, which the browser intercepts and never loads:
//   https://<id>.chromiumapp.org/ (Chrome, Edge) and https://<sha1(id)>.extensions.allizom.org/
//   (Firefox, identity.getRedirectURL()). OAuth sign-in returns only to an allowlisted one.
import { createHash } from "node:crypto";
import { env } from "../env.js";

const CHROMIUM_ID = /^[a-p]{32}$/;
const FIREFOX_ORIGIN = /^moz-extension:\/\/[0-9a-f-]{36}$/;

/** The OAuth redirect URL of an allowlisted extension id, or undefined. */
export function extensionRedirectUrl(id: string): string | undefined {
  if (!allowedExtensionIds().includes(id)) return undefined;
  if (CHROMIUM_ID.test(id)) return `https://${id}.chromiumapp.org/`;
  const hash = createHash("sha1").update(id).digest("hex");
  return `https://${hash}.extensions.allizom.org/`;
}

/** The request's Origin when it is an allowlisted extension's (see above for Firefox). */
export function extensionOrigin(headers: Headers): string | undefined {
  const origin = headers.get("origin");
  if (!origin) return undefined;
  const ids = allowedExtensionIds();
  if (origin.startsWith("chrome-extension://")) {
    const id = origin.slice("chrome-extension://".length);
    return CHROMIUM_ID.test(id) && ids.includes(id) ? origin : undefined;
  }
  if (FIREFOX_ORIGIN.test(origin) && ids.some((id) => !CHROMIUM_ID.test(id))) return origin;
  return undefined;
}

function allowedExtensionIds(): string[] {
  return env().ALLOWED_EXTENSION_IDS ?? [];
}
