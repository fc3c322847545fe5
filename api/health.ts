import * as z from "zod";
import { getSpaProfile, SpaProfile } from "../lib/accounts/spa-profile.js";
import { endpoint } from "../lib/http/endpoint.js";
import { ApiError } from "../lib/http/errors.js";
import { route } from "../lib/http/route.js";
import { checkHealth, HealthSchema } from "../lib/platform/health.js";

export default route(
  {
    GET: endpoint(
      {
        summary: "Whether the API can reach its database and cache",
        description:
          "Also names the settings this deployment cannot serve without (`configuration`: APP_URL, the personal-data keys, or BASTION_LOCAL_STACK set on a production host): while any is listed, every other endpoint answers 500. With `?action=profile` and an access token (the MindfulQALB SPA's profile read) it answers the caller's profile instead, in the SPA's field names (`SpaProfile`: `role` admin, therapist for staff, or user); without a token that is 401.",
        tags: ["platform"],
        auth: "optional",
        query: z.strictObject({
          action: z.literal("profile").optional().describe("`profile`: the caller's profile"),
        }),
        response: z.union([HealthSchema, SpaProfile]),
        limit: "read",
        errors: ["unauthorized"],
        roundTrips: { database: 1, redis: 2 },
      },
      ({ query, caller, db }) => {
        if (query.action !== "profile") return checkHealth();
        if (!caller) {
          throw new ApiError("unauthorized", "Send `Authorization: Bearer <access token>`.");
        }
        return getSpaProfile(db.user, caller);
      },
    ),
  },
  { reportsConfiguration: true },
);
