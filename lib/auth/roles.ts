// Application roles. They come from the token's app_metadata, which only the server (service role)
// can write — never from user_metadata, which every user can edit about themselves.
import type { AccessClaims } from "./access-token.js";

export const APP_ROLES = ["staff", "admin"] as const;
export type AppRole = (typeof APP_ROLES)[number];

/** An admin can do whatever staff can, so a staff-only endpoint never has to list admin too. */
const IMPLIED_ROLES: Record<AppRole, readonly AppRole[]> = {
  staff: [],
  admin: ["staff"],
};

const isAppRole = (value: unknown): value is AppRole => APP_ROLES.includes(value as AppRole);

/**
 * The caller's effective roles, implied ones included: app_metadata.role (one string) and
 * app_metadata.roles (an array), with values this app does not know ignored.
 */
export function rolesOf(claims: Pick<AccessClaims, "app_metadata">): AppRole[] {
  const { role, roles } = claims.app_metadata;
  const granted = [role, ...(Array.isArray(roles) ? roles : [])].filter(isAppRole);
  const effective = new Set(granted.flatMap((name) => [name, ...IMPLIED_ROLES[name]]));
  return APP_ROLES.filter((name) => effective.has(name));
}

/** True when the caller holds at least one of the roles; an empty list admits nobody. */
export function hasAnyRole(caller: { roles: readonly AppRole[] }, roles: readonly AppRole[]) {
  return roles.some((role) => caller.roles.includes(role));
}
