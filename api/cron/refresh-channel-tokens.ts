import { ChannelTokenSweep, refreshChannelTokens } from "../../lib/channels/oauth/refresh.js";
import { withHeartbeat } from "../../lib/cron/heartbeat.js";
import { endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import { SCHEDULED } from "../../lib/http/spec-presets.js";

const spec = {
  summary: "Refresh the social channels' tokens before they expire (scheduled)",
  description:
    "Run by Vercel Cron daily and by pg_cron every 30 minutes (through pg_net), with CRON_SECRET or DATABASE_WEBHOOK_SECRET. TikTok access tokens that expire within 2 hours are refreshed and the refresh token rotated; Meta Page tokens are checked once a day. A token the provider refuses marks its connection `needs_reconnect` and tells the shop's owners. Also deletes lapsed OAuth states and pending Page choices. Safe to run any number of times.",
  ...SCHEDULED,
  response: ChannelTokenSweep,
};

const run = endpoint(spec, ({ db }) =>
  withHeartbeat(db.service, "refresh-channel-tokens", () => refreshChannelTokens(db.service)),
);

export default route({ GET: run, POST: run });
