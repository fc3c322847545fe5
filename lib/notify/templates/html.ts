// Escaping for the HTML part of an email. Every piece of text that goes into HTML, in content or
// in an attribute, passes through escapeHtml; both quote kinds are escaped, so an attribute value
// can never end early. Links also pass through httpUrl, so no javascript: or data: URL can become
// an href even if a template forgot to validate one.

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

/**
 * The URL as the WHATWG parser normalizes it (spaces and quotes percent-encoded); RangeError
 * unless it is http or https. The message names only the scheme: the URL may hold a token.
 */
export function httpUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new RangeError(`not an http(s) URL: ${parsed.protocol}`);
  }
  return parsed.href;
}
