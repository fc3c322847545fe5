// Where a sign-in may send the browser afterwards: a path of an app page on our own origin,
// never a URL. Anything that a browser could read as another host is refused: absolute URLs,
// scheme-relative `//host`, backslashes (`/\host`, which browsers treat as `//host`), control
// characters and whitespace (stripped or folded by URL parsers), and all of these once more
// after percent-decoding, so an encoded variant cannot slip past and be decoded later.
import * as z from "zod";

/**
 * The app's pages a sign-in may land on, as path prefixes matched at a segment boundary
 * ("/account" allows "/account" and "/account/orders", not "/accounts"). "/" allows every page;
 * list sections instead to narrow it.
 */
const LANDING_PREFIXES: readonly string[] = ["/"];
/** Never a landing page: the API itself (a redirect into /api/auth/oauth would loop). */
const EXCLUDED_PREFIXES: readonly string[] = ["/api"];

export const MAX_LANDING_PATH_LENGTH = 512;

// A path, with an optional query and fragment, in RFC 3986 characters only: no whitespace, no
// backslash, nothing a parser might strip.
const PATH_CHARACTERS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?#%]*$/;
const BASE = "https://landing.invalid";

/** The normalized path when `value` is a safe landing page, else undefined. */
export function safeLandingPath(value: string): string | undefined {
  if (value.length === 0 || value.length > MAX_LANDING_PATH_LENGTH) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return undefined;
  }
  if (!PATH_CHARACTERS.test(value) || !looksLikeLocalPath(value) || !looksLikeLocalPath(decoded)) {
    return undefined;
  }
  const url = new URL(value, BASE);
  if (url.origin !== BASE) return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  const pathname = url.pathname.toLowerCase();
  const under = (prefix: string) =>
    prefix === "/" || pathname === prefix || pathname.startsWith(`${prefix}/`);
  if (!LANDING_PREFIXES.some(under) || EXCLUDED_PREFIXES.some(under)) return undefined;
  return path;
}

/** One leading slash, no second slash after it, no backslash or control character anywhere. */
function looksLikeLocalPath(value: string): boolean {
  return (
    value.startsWith("/") &&
    !value.startsWith("//") &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    !/[\\\u0000-\u001f\u007f-\u009f]/.test(value)
  );
}

/** A `redirectTo` query parameter: a safe landing path, normalized, or a validation error. */
export const LandingPath = z
  .string()
  .max(MAX_LANDING_PATH_LENGTH)
  .transform((value, context) => {
    const path = safeLandingPath(value);
    if (path === undefined) {
      context.addIssue({
        code: "custom",
        message: "Use a path of a page on this site, like /account.",
      });
      return z.NEVER;
    }
    return path;
  })
  .describe("A page of this site to land on afterwards, such as /account (never a URL)");
