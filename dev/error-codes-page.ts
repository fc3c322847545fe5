// /docs/errors: every problem's `type` (`/docs/errors#<code>`) lands on the entry for its code.
// Written at build time from the code table the API itself throws from, so it cannot drift: for
// each code its status and title, what usually causes it and what to do about it.
import { ERROR_CODES } from "../lib/http/errors.js";
import { escapeHtml } from "../lib/notify/templates/html.js";

export function errorCodesPage(): string {
  const entries = Object.entries(ERROR_CODES)
    .map(
      ([code, { status, title, help }]) =>
        `      <dt id="${code}"><code>${code}</code> <span class="status">${status}</span></dt>
      <dd>
        <p class="title">${escapeHtml(title)}</p>
        <p><strong>Why:</strong> ${prose(help.cause)}</p>
        <p><strong>What to do:</strong> ${prose(help.fix)}</p>
      </dd>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Bastion API errors</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/docs/docs.css" />
  </head>
  <body>
    <header class="docs-banner">
      <a href="/docs">← API reference</a>
      <span>Generated from lib/http/errors.ts</span>
    </header>
    <main class="error-codes">
      <h1>Error codes</h1>
      <p>
        Every error is <code>application/problem+json</code> (RFC 9457) with a stable
        <code>code</code>; switch on it, never on the wording of <code>title</code> or
        <code>detail</code>. Quote <code>requestId</code> when you report a problem.
      </p>
      <dl>
${entries}
      </dl>
    </main>
  </body>
</html>
`;
}

/** Escaped text in which `backticks` mark code, as in the table's help. */
function prose(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}
