// Which function serves which route in the grouped shape (BASTION_FUNCTIONS=grouped): routes
// grouped by domain, at most MAX_GROUPED_FUNCTIONS functions, so the project deploys on Vercel's
// Hobby plan (12 functions per deployment for a project without a framework). A route's group is
// the first rule whose prefix its function name starts with; a route no rule names (a new
// top-level folder) gets a group of its own, and the build fails once that passes the limit.

export const MAX_GROUPED_FUNCTIONS = 12;

/** Where the group functions live: `api/_bastion/<group>` (a `_` path is never an api/ file). */
export const GROUP_FUNCTION_PREFIX = "api/_bastion/";

/** The query parameter the routes add to name the route a group function serves. */
export const ROUTE_PARAMETER = "__bastion_route";

const RULES: [prefix: string, group: string][] = [
  ["api/auth/", "auth"],
  ["api/bookings", "bookings"],
  ["api/payments/", "payments"],
  // Coupon codes are checked at checkout, beside the payments they discount.
  ["api/coupons/", "payments"],
  ["api/webhooks/", "webhooks"],
  ["api/cron/", "cron"],
  ["api/notifications/", "notifications"],
  // Staff and admins running the practice.
  ["api/staff/", "practice"],
  ["api/admin/", "practice"],
  // The signed-in person's own things.
  ["api/users/", "account"],
  ["api/sync/", "account"],
  ["api/subscriptions/", "account"],
  // The extension's usage events belong with its account, sync and plans.
  ["api/analytics/", "account"],
  // The AI module alone loads openai, so it is a group of its own.
  ["api/ai/", "ai"],
  // Shops: teams, products, orders, forms, shop payments, conversations and channels.
  ["api/shops", "commerce"],
  // The social channels' OAuth callback page (/oauth/<platform>/callback) connects a shop's channel.
  ["api/oauth/", "commerce"],
  // Flight search, offers and flight bookings.
  ["api/flights", "travel"],
  // Small public and platform routes: health, the spec, the catalogue, slots, consent.
  ["api/consent", "platform"],
  ["api/health", "platform"],
  ["api/geo", "platform"],
  ["api/config", "platform"],
  ["api/openapi.json", "platform"],
  ["api/services", "platform"],
  ["api/availability", "platform"],
];

export function groupOf(functionName: string): string {
  for (const [prefix, group] of RULES) {
    if (functionName === prefix || functionName.startsWith(prefix)) return group;
  }
  const [, top = "root"] = functionName.split("/");
  return top.replace(/[^a-z0-9-]/gi, "-");
}

/** Group → the function names it serves; throws when there would be too many functions. */
export function groupFunctions(functionNames: string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const name of [...functionNames].sort()) {
    const group = groupOf(name);
    groups.set(group, [...(groups.get(group) ?? []), name]);
  }
  if (groups.size > MAX_GROUPED_FUNCTIONS) {
    throw new Error(
      `the grouped shape would build ${groups.size} functions (${[...groups.keys()].join(", ")}),` +
        ` more than ${MAX_GROUPED_FUNCTIONS}: add the new folders to a group in dev/build/groups.ts`,
    );
  }
  return groups;
}
