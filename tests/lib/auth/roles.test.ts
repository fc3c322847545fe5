// Roles come from app_metadata only, unknown values are dropped, and admin implies staff.
import { describe, expect, it } from "vitest";
import { APP_ROLES, type AppRole, hasAnyRole, rolesOf } from "../../../lib/auth/roles.js";

const withAppMetadata = (app_metadata: Record<string, unknown>) => ({ app_metadata });

describe("rolesOf", () => {
  it.each<[string, Record<string, unknown>, AppRole[]]>([
    ["no role", { provider: "email" }, []],
    ["role staff", { role: "staff" }, ["staff"]],
    ["role admin, which implies staff", { role: "admin" }, ["staff", "admin"]],
    ["a roles array", { roles: ["admin", "staff"] }, ["staff", "admin"]],
    ["role and roles together", { role: "staff", roles: ["admin"] }, ["staff", "admin"]],
    [
      "unknown names and non-strings",
      { role: "owner", roles: ["root", 1, null, "staff"] },
      ["staff"],
    ],
    ["a name in another case", { role: "Admin" }, []],
    ["roles that is not an array", { roles: "admin" }, []],
    ["a role that is not a string", { role: ["admin"] }, []],
  ])("reads %s", (_, appMetadata, roles) => {
    expect(rolesOf(withAppMetadata(appMetadata))).toEqual(roles);
  });

  it("never reads user_metadata", () => {
    const claims = { app_metadata: {}, user_metadata: { role: "admin", roles: ["admin"] } };
    expect(rolesOf(claims)).toEqual([]);
  });

  it("knows exactly staff and admin", () => {
    expect(APP_ROLES).toEqual(["staff", "admin"]);
  });
});

describe("hasAnyRole", () => {
  const caller = (app_metadata: Record<string, unknown>) => ({ roles: rolesOf({ app_metadata }) });

  it("lets an admin through a staff requirement", () => {
    expect(hasAnyRole(caller({ role: "admin" }), ["staff"])).toBe(true);
  });

  it("keeps staff out of an admin requirement", () => {
    expect(hasAnyRole(caller({ role: "staff" }), ["admin"])).toBe(false);
  });

  it("passes when any one of the roles is held", () => {
    expect(hasAnyRole(caller({ role: "staff" }), ["admin", "staff"])).toBe(true);
  });

  it("keeps out a caller with no roles, and nobody passes an empty requirement", () => {
    expect(hasAnyRole(caller({}), ["staff"])).toBe(false);
    expect(hasAnyRole(caller({ role: "admin" }), [])).toBe(false);
  });
});
