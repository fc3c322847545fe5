// OpenAPI examples for the channel operations (spread into lib/openapi/examples.ts).
import type * as z from "zod";
import type { ChannelConnection, ChannelConnectionList, ConnectBody } from "./connections.js";

const SHOP_ID = "3f8a2c6e-1d4b-4e9a-b7c5-0a2e4d6f8b13";

type Example = {
  parameters?: Record<string, string | number>;
  request?: unknown;
  response?: unknown;
};

export function channelExamples(now: Date): Record<string, Example> {
  const connectedAt = new Date(now.getTime() - 86_400_000).toISOString();
  const telegram: ChannelConnection = {
    platform: "telegram",
    status: "connected",
    account: { id: "7012345678", name: "Blue Mug Shop", username: "bluemug_shop_bot" },
    connectedAt,
  };
  const viber: ChannelConnection = {
    platform: "viber",
    status: "needs_reconnect",
    account: { id: "pa:5841920374629105", name: "Blue Mug", username: "bluemug" },
    connectedAt,
  };
  return {
    "GET /api/shops/{shopId}/integrations": {
      parameters: { shopId: SHOP_ID },
      response: { connections: [telegram, viber] } satisfies z.output<typeof ChannelConnectionList>,
    },
    "POST /api/shops/{shopId}/integrations/{platform}/connect": {
      parameters: { shopId: SHOP_ID, platform: "telegram" },
      request: {
        botToken: "7012345678:AAExampleExampleExampleExample12345",
      } satisfies z.input<typeof ConnectBody>,
      response: telegram,
    },
    "POST /api/shops/{shopId}/integrations/{platform}/select": {
      parameters: { shopId: SHOP_ID, platform: "instagram" },
      request: { accountId: "17841405822304914" },
      response: {
        platform: "instagram",
        status: "connected",
        account: { id: "17841405822304914", name: "Blue Mug", username: "bluemug.shop" },
        connectedAt: now.toISOString(),
      } satisfies ChannelConnection,
    },
    "GET /api/oauth/{platform}/callback": {
      parameters: { platform: "tiktok" },
    },
    "GET /api/cron/refresh-channel-tokens": {
      response: { refreshed: 3, checked: 12, needsReconnect: 1, failed: 0 },
    },
    "POST /api/shops/{shopId}/integrations/{platform}/disconnect": {
      parameters: { shopId: SHOP_ID, platform: "telegram" },
      response: { ...telegram, status: "disconnected" },
    },
  };
}
