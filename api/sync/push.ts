// POST /api/sync/push: the browser extension's name for PUT /api/sync/settings — the same
// endpoint (contract, limits, compare-and-swap), so the two can never drift apart.
import type { Endpoint } from "../../lib/http/endpoint.js";
import { route } from "../../lib/http/route.js";
import settings from "./settings.js";

export default route({ POST: settings.endpoints.PUT as Endpoint });
