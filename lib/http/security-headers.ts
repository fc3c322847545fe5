// Headers every API response carries. The API serves JSON only, so the content security policy
// forbids everything: a response rendered as a page by mistake can run nothing and be framed
// nowhere.
const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=63072000; includeSubDomains; preload",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "cross-origin-resource-policy": "same-origin",
};

export function withSecurityHeaders(response: Response, cacheControl: string): Response {
  // A page a handler answers itself (the channels' OAuth callback) keeps its own policy when it
  // also starts from default-src 'none' (it allows its one inline script by hash).
  const own = response.headers.get("content-security-policy");
  const keepOwn = own?.startsWith("default-src 'none';") === true;
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (name === "content-security-policy" && keepOwn) continue;
    response.headers.set(name, value);
  }
  if (!response.headers.has("cache-control")) response.headers.set("cache-control", cacheControl);
  return response;
}
