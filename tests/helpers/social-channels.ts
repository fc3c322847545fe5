// Shops and channel connections for the social-channel tests (issue 22): a shop with an owner and
// an agent, and a connection written directly as the OAuth connect flow writes it (facebook:
// account_id the Page id; instagram: account_id the professional account id and linked_page_id
// its Page; tiktok: account_id the user's open_id; the token sealed as lib/channels seals it).
import { randomBytes } from "node:crypto";
import { CHANNEL_SEALED } from "../../lib/channels/sealed-columns.js";
import { sealPersonalData } from "../../lib/crypto/personal-data.js";
import type { TestApi } from "./api.js";

export type User = { id: string; accessToken: string };
export interface Shop {
  id: string;
  owner: User;
  agent: User;
}

export async function sql<T = Record<string, unknown>>(
  api: TestApi,
  text: string,
  values: (string | null)[] = [],
): Promise<T[]> {
  return (await api.supabase.db.query<T>(text, values)).rows;
}

export async function newShop(api: TestApi): Promise<Shop> {
  const [owner, agent] = [await api.signUp(), await api.signUp()];
  const [shop] = await sql<{ id: string }>(
    api,
    "insert into public.shops (name, currency, created_by) values ($1, 'EUR', $2) returning id",
    [`Social shop ${randomBytes(4).toString("hex")}`, owner.id],
  );
  const id = shop?.id as string;
  await sql(
    api,
    "insert into public.shop_members (shop_id, user_id, role) values ($1, $2, 'owner'), ($1, $3, 'agent')",
    [id, owner.id, agent.id],
  );
  return { id, owner, agent };
}

export const randomDigits = (length = 15) =>
  Array.from(randomBytes(length), (byte) => String(byte % 10))
    .join("")
    .replace(/^0/, "1");

/** Inserts a connected connection with its sealed token; answers its id. */
export async function insertConnection(
  api: TestApi,
  shopId: string,
  platform: "facebook" | "instagram" | "tiktok" | "telegram" | "viber",
  fields: {
    accountId: string;
    token: string;
    linkedPageId?: string;
    name?: string;
  },
): Promise<string> {
  const [row] = await sql<{ id: string }>(
    api,
    `insert into public.shop_channel_connections
       (shop_id, platform, status, account_id, account_name, linked_page_id, connected_at)
     values ($1, $2, 'connected', $3, $4, $5, now()) returning id`,
    [
      shopId,
      platform,
      fields.accountId,
      fields.name ?? `${platform} account`,
      fields.linkedPageId ?? null,
    ],
  );
  const id = row?.id as string;
  await sql(
    api,
    `insert into public.shop_channel_credentials (id, token_sealed, token_expires_at)
     values ($1, $2, $3)`,
    [
      id,
      sealPersonalData(fields.token, CHANNEL_SEALED.token),
      platform === "tiktok" ? new Date(Date.now() + 86_400_000).toISOString() : null,
    ],
  );
  return id;
}

/** The `notification` events broadcast on the shop's realtime topic. */
export async function shopNotifications(api: TestApi, shopId: string) {
  return (
    await sql<{ payload: Record<string, unknown> }>(
      api,
      "select payload from realtime.messages where topic = $1 and event = 'notification' order by inserted_at",
      [`shop:${shopId}`],
    )
  ).map((row) => row.payload);
}
