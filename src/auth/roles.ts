// Organization roles and their order: the one declaration of them. Pure, so drizzle, zod, the
// route specs and the browser bundle import it.

export const ROLES = ["viewer", "member", "admin", "owner"] as const;
export type Role = (typeof ROLES)[number];

/** Higher ranks include every power of the lower ones. */
export const ROLE_RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

/** True when `role` is `minimum` or higher. */
export const hasRole = (role: Role, minimum: Role): boolean => ROLE_RANK[role] >= ROLE_RANK[minimum];

/**
 * The least role that may make a key with `scopes`: admin for the admin scope, member for the rest
 * (the mint and roll routes' minimum). A member who drops below it loses such keys
 * (services/key-authority.ts), which the dashboard counts before a demotion.
 */
export const minterRoleFor = (scopes: readonly string[]): Role => (scopes.includes("admin") ? "admin" : "member");
