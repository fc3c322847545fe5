import * as z from "zod";
import { ChannelTokenSweep, refreshChannelTokens } from "../../lib/channels/oauth/refresh.js";
import { withHeartbeat } from "../../lib/cron/heartbeat.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { SCHEDULED } from "../../lib/http/spec-presets.js";

const DESCRIPTION =
  "TikTok access tokens that expire within 2 hours are refreshed and the refresh token rotated; Meta Page tokens are checked once a day. A token the provider refuses marks its connection `needs_reconnect` and tells the shop's owners. Also deletes lapsed OAuth states and pending Page choices. Safe to run any number of times.";

const sweep = ({ db }: { db: { service: Parameters<typeof refreshChannelTokens>[0] } }) =>
  withHeartbeat(db.service, "refresh-channel-tokens", () => refreshChannelTokens(db.service));

export default route({
  GET: endpoint(
    {
      summary: "Refresh the social channels' tokens before they expire (Vercel Cron)",
      description: `Run daily by Vercel Cron with CRON_SECRET, as the safety net. ${DESCRIPTION}`,
      ...SCHEDULED,
      response: ChannelTokenSweep,
    },
    sweep,
  ),
  POST: endpoint(
    {
      summary: "Refresh the social channels' tokens before they expire (the database)",
      // pg_net posts call_bastion's JSON body, `{}`.
      description: `Called by the database through pg_net with DATABASE_WEBHOOK_SECRET every 30 minutes by pg_cron (\`bastion-refresh-channel-tokens\`, only while a token is due). ${DESCRIPTION}`,
      ...SCHEDULED,
      body: z.strictObject({}),
      response: ChannelTokenSweep,
    },
    sweep,
  ),
});
