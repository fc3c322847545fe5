// Where the server sends pushes: only to the push services browsers use, over https, whatever a
// subscription row says (a row can be written straight through the Data API, so this is checked
// when sending as well as when subscribing). The local stack adds its fake push service on the
// loopback address (tests/helpers/fake-push-service.ts).
import { localStackEnabled } from "../env.js";

/** Chrome/Edge (FCM), Firefox (Mozilla autopush), Edge legacy (WNS), Safari (Apple). */
const PUSH_SERVICE_HOSTS = [
  /^fcm\.googleapis\.com$/,
  /^android\.googleapis\.com$/,
  /^(?:[a-z0-9-]+\.)*push\.services\.mozilla\.com$/,
  /^(?:[a-z0-9-]+\.)*notify\.windows\.com$/,
  /^(?:[a-z0-9-]+\.)*push\.apple\.com$/,
];

export function isPushServiceEndpoint(endpoint: string): boolean {
  if (!URL.canParse(endpoint)) return false;
  const url = new URL(endpoint);
  if (url.username || url.password) return false;
  if (url.protocol === "https:" && (url.port === "" || url.port === "443")) {
    return PUSH_SERVICE_HOSTS.some((host) => host.test(url.hostname));
  }
  return (
    localStackEnabled() &&
    url.protocol === "http:" &&
    (url.hostname === "127.0.0.1" || url.hostname === "localhost")
  );
}
