// /api/organizations and their members (who join by invitation: ./invitation-routes.ts).
import { Hono } from "hono";
import { AppError } from "../errors";
import { changeMemberRole, listOrganizationMembers, removeMember } from "../services/members";
import { createOrganization, deleteOrganization, listOrganizations, readOrganization, updateOrganization } from "../services/organizations";
import type { ManagementEnv } from "./context";
import { ok } from "./envelope";
import { defineRoute, PageQuerySchema } from "./route";
import { CreateOrganizationSchema, DeleteOrganizationQuerySchema, UpdateMemberSchema, UpdateOrganizationSchema } from "./schemas";

export const organizationRoutes = new Hono<ManagementEnv>();
const ORG = "/api/organizations/:orgId";
const tag = "organizations";

defineRoute(
  organizationRoutes,
  { method: "get", path: "/api/organizations", summary: "Organizations you belong to", tag, auth: true, query: PageQuerySchema },
  async (c, { ctx, query }) => {
    if (query.cursor !== undefined && !/^\d{1,6}$/.test(query.cursor)) {
      throw new AppError("invalid_request", "The cursor is malformed; pass back next_cursor unchanged.");
    }
    const offset = query.cursor ? Number(query.cursor) : 0;
    const page = await listOrganizations(ctx, query.limit, offset);
    return c.json(ok(page.items, { pagination: { limit: query.limit, next_cursor: page.nextCursor } }));
  },
);

defineRoute(
  organizationRoutes,
  {
    method: "post",
    path: "/api/organizations",
    summary: "Create an organization (you become its owner)",
    tag,
    auth: true,
    body: CreateOrganizationSchema,
    status: 201,
  },
  async (c, { ctx, body }) => {
    return c.json(ok(await createOrganization(ctx, body), { message: "Organization created." }), 201);
  },
);

defineRoute(
  organizationRoutes,
  { method: "get", path: ORG, summary: "Read an organization", tag, auth: true, role: "viewer" },
  async (c, { ctx, access }) => {
    return c.json(ok(await readOrganization(ctx, access)));
  },
);

defineRoute(
  organizationRoutes,
  { method: "put", path: ORG, summary: "Update an organization (admin)", tag, auth: true, role: "admin", body: UpdateOrganizationSchema },
  async (c, { ctx, access, body }) => {
    return c.json(ok(await updateOrganization(ctx, access, body), { message: "Organization updated." }));
  },
);

defineRoute(
  organizationRoutes,
  {
    method: "delete",
    path: ORG,
    summary: "Delete an organization (owner; ?force=true with instances)",
    tag,
    auth: true,
    role: "owner",
    // Refused while suspended: it would erase the audit trail and usage the operator holds the
    // organization over. Revoking keys and removing members (allowed) already cut any leak off.
    query: DeleteOrganizationQuerySchema,
  },
  async (c, { ctx, access, query }) => {
    await deleteOrganization(ctx, access, query.force === true);
    return c.json(ok(null, { message: "Organization deleted." }));
  },
);

defineRoute(
  organizationRoutes,
  {
    method: "get",
    path: `${ORG}/members`,
    summary: "List members in the order they joined",
    tag,
    auth: true,
    role: "viewer",
    query: PageQuerySchema,
  },
  async (c, { ctx, access, query }) => {
    const page = await listOrganizationMembers(ctx, access, query.limit, query.cursor);
    return c.json(ok(page.items, { pagination: { limit: query.limit, next_cursor: page.nextCursor } }));
  },
);

defineRoute(
  organizationRoutes,
  {
    method: "put",
    path: `${ORG}/members/:userId`,
    summary: "Change a member's role (owner)",
    tag,
    auth: true,
    role: "owner",
    body: UpdateMemberSchema,
  },
  async (c, { ctx, access, body, params }) => {
    return c.json(ok(await changeMemberRole(ctx, access, params.userId, body.role), { message: "Role changed." }));
  },
);

defineRoute(
  organizationRoutes,
  {
    method: "delete",
    path: `${ORG}/members/:userId`,
    summary: "Remove a member (owner), or leave the organization yourself",
    tag,
    auth: true,
    role: { self: "viewer", others: "owner" }, // leaving needs no role
    allowWhileSuspended: true, // it only takes access away, as closing the account (DELETE /auth/me) does
  },
  async (c, { ctx, access, params }) => {
    await removeMember(ctx, access, params.userId);
    return c.json(ok(null, { message: "Member removed." }));
  },
);
