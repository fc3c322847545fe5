// /__dev/outbox: the local outbox (lib/notify/outbox/local-outbox.ts) as a page, so what the app
// would have emailed or texted can be read in `npm run dev` without any provider. The list shows
// each message's recipient, subject and delivery status; a message's page shows its text, its
// HTML in a sandboxed frame (no scripts, no network) and its attachments to download (.ics).
// Read with the local service key; sealed messages are opened with the server's own keys.
import { openPersonalData } from "../../lib/crypto/personal-data.js";
import { LOCAL_OUTBOX_CONTEXT } from "../../lib/notify/outbox/local-outbox.js";
import { escapeHtml } from "../../lib/notify/templates/html.js";
import type { Attachment } from "../../lib/notify/templates/template.js";

const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHOWN = 50;

interface OutboxRow {
  id: string;
  notification_id: string | null;
  channel: string;
  template: string;
  created_at: string;
  message_sealed: string;
}

interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  sms: string;
  attachments: Attachment[];
}

/** `path`: what follows /__dev/outbox ("", "/<id>", "/<id>/attachments/<n>"). */
export async function outboxPage(request: Request, path: string): Promise<Response> {
  if (request.method !== "GET") return page(405, "<p>GET only.</p>");
  const [id, part, index] = path.split("/").filter(Boolean);
  if (id === undefined) return page(200, await listPage());
  if (!MESSAGE_ID.test(id)) return page(404, "<p>There is no such message.</p>");
  const row = (await select<OutboxRow>("local_outbox_messages", { id: `eq.${id}` }))[0];
  if (!row) return page(404, "<p>There is no such message.</p>");
  const message = opened(row);
  if (part === undefined) return page(200, messagePage(row, message));
  const attachment = part === "attachments" ? message.attachments[Number(index)] : undefined;
  if (!attachment) return page(404, "<p>There is no such attachment.</p>");
  return new Response(attachment.content, {
    headers: {
      "content-type": attachment.contentType,
      "content-disposition": `attachment; filename="${attachment.filename.replace(/[^\w.-]/g, "_")}"`,
      "cache-control": "no-store",
    },
  });
}

async function listPage(): Promise<string> {
  const rows = await select<OutboxRow>("local_outbox_messages", {
    order: "created_at.desc",
    limit: String(SHOWN),
  });
  const ids = rows.flatMap((row) => (row.notification_id ? [row.notification_id] : []));
  const statuses = new Map(
    ids.length === 0
      ? []
      : (
          await select<{ id: string; status: string }>("notifications", {
            select: "id,status",
            id: `in.(${ids.join(",")})`,
          })
        ).map((row) => [row.id, row.status]),
  );
  const items = rows.map((row) => {
    const message = opened(row);
    const status = (row.notification_id && statuses.get(row.notification_id)) ?? "—";
    return `<tr><td>${escapeHtml(row.created_at)}</td><td>${escapeHtml(row.channel)}</td><td>${escapeHtml(row.template)}</td><td>${escapeHtml(message.to)}</td><td><a href="/__dev/outbox/${row.id}">${escapeHtml(row.channel === "sms" ? message.sms : message.subject)}</a></td><td>${escapeHtml(status)}</td></tr>`;
  });
  return `<h1>Local outbox</h1>
<p>What the app sent while no email or SMS provider is configured (the latest ${SHOWN}). Nothing here left this machine.</p>
<table><thead><tr><th>When</th><th>Channel</th><th>Template</th><th>To</th><th>Subject</th><th>Status</th></tr></thead>
<tbody>${items.join("\n") || '<tr><td colspan="6">No messages yet.</td></tr>'}</tbody></table>`;
}

function messagePage(row: OutboxRow, message: OutboxMessage): string {
  const attachments = message.attachments.map(
    (attachment, n) =>
      `<li><a href="/__dev/outbox/${row.id}/attachments/${n}" download="${escapeHtml(attachment.filename)}">${escapeHtml(attachment.filename)}</a> (${escapeHtml(attachment.contentType)})</li>`,
  );
  const body =
    row.channel === "sms"
      ? `<h2>SMS</h2><pre style="white-space:pre-wrap">${escapeHtml(message.sms)}</pre>`
      : `<h2>Text</h2><pre style="white-space:pre-wrap">${escapeHtml(message.text)}</pre>
<h2>HTML</h2><iframe sandbox title="The email's HTML" srcdoc="${escapeHtml(message.html)}" style="width:100%;height:40rem;border:1px solid #ccc"></iframe>
<h2>Attachments</h2><ul>${attachments.join("") || "<li>None</li>"}</ul>`;
  return `<p><a href="/__dev/outbox">← Local outbox</a></p>
<h1>${escapeHtml(row.channel === "sms" ? "SMS" : message.subject)}</h1>
<p>To <strong>${escapeHtml(message.to)}</strong> · ${escapeHtml(row.template)} · ${escapeHtml(row.created_at)}</p>
${body}`;
}

function opened(row: OutboxRow): OutboxMessage {
  return JSON.parse(openPersonalData(row.message_sealed, LOCAL_OUTBOX_CONTEXT)) as OutboxMessage;
}

async function select<T>(table: string, query: Record<string, string>): Promise<T[]> {
  const { SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY } = process.env;
  if (!SUPABASE_URL || !SUPABASE_SERVICE_ROLE_KEY) return [];
  const response = await fetch(`${SUPABASE_URL}/rest/v1/${table}?${new URLSearchParams(query)}`, {
    headers: {
      apikey: SUPABASE_SERVICE_ROLE_KEY,
      authorization: `Bearer ${SUPABASE_SERVICE_ROLE_KEY}`,
    },
  });
  if (!response.ok) throw new Error(`reading ${table} failed: ${response.status}`);
  return (await response.json()) as T[];
}

function page(status: number, body: string): Response {
  return new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Local outbox</title></head><body>${body}</body></html>`,
    {
      status,
      headers: {
        "content-type": "text/html; charset=utf-8",
        // The email's own inline styles show in the frame; nothing in it may run or load.
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
        "cache-control": "no-store",
      },
    },
  );
}
