// /api/organizations and their members.
import { Hono } from "hono";
import { AppError, ok } from "../errors";
import { addMember, changeMemberRole, listOrganizationMembers, removeMember } from "../services/members";
import {
  createOrganization,
  deleteOrganization,
  listOrganizations,
  presentOrganization,
  updateOrganization,
} from "../services/organizations";
import { type ManagementEnv, orgContext, serviceContext } from "./context";
import { defineRoute, PageQuerySchema, pathParam } from "./route";
import {
  AddMemberSchema,
  CreateOrganizationSchema,
  DeleteOrganizationQuerySchema,
  UpdateMemberSchema,
  UpdateOrganizationSchema,
} from "./schemas";

export const organizationRoutes = new Hono<ManagementEnv>();
const ORG = "/api/organizations/:orgId";
const tag = "organizations";

defineRoute(
  organizationRoutes,
  { method: "get", path: "/api/organizations", summary: "Organizations you belong to", tag, auth: true, query: PageQuerySchema },
  async (c, { query }) => {
    if (query.cursor !== undefined && !/^\d{1,6}$/.test(query.cursor)) {
      throw new AppError("invalid_request", "The cursor is malformed; pass back next_cursor unchanged.");
    }
    const offset = query.cursor ? Number(query.cursor) : 0;
    const page = await listOrganizations(serviceContext(c), query.limit, offset);
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
  async (c, { body }) => {
    return c.json(ok(await createOrganization(serviceContext(c), body), { message: "Organization created." }), 201);
  },
);

defineRoute(organizationRoutes, { method: "get", path: ORG, summary: "Read an organization", tag, auth: true }, async (c) => {
  const { access } = await orgContext(c, "viewer");
  return c.json(ok(presentOrganization(access.organization, access.role)));
});

defineRoute(
  organizationRoutes,
  { method: "put", path: ORG, summary: "Update an organization (admin)", tag, auth: true, body: UpdateOrganizationSchema },
  async (c, { body }) => {
    const { ctx, access } = await orgContext(c, "admin");
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
    query: DeleteOrganizationQuerySchema,
  },
  async (c, { query }) => {
    const { ctx, access } = await orgContext(c, "owner");
    await deleteOrganization(ctx, access, query.force === "true");
    return c.json(ok(null, { message: "Organization deleted." }));
  },
);

defineRoute(organizationRoutes, { method: "get", path: `${ORG}/members`, summary: "List members", tag, auth: true }, async (c) => {
  const { ctx, access } = await orgContext(c, "viewer");
  return c.json(ok(await listOrganizationMembers(ctx, access)));
});

defineRoute(
  organizationRoutes,
  {
    method: "post",
    path: `${ORG}/members`,
    summary: "Add an existing user by email (owner)",
    tag,
    auth: true,
    body: AddMemberSchema,
    status: 201,
  },
  async (c, { body }) => {
    const { ctx, access } = await orgContext(c, "owner");
    return c.json(ok(await addMember(ctx, access, body), { message: "Member added." }), 201);
  },
);

defineRoute(
  organizationRoutes,
  { method: "put", path: `${ORG}/members/:userId`, summary: "Change a member's role (owner)", tag, auth: true, body: UpdateMemberSchema },
  async (c, { body }) => {
    const { ctx, access } = await orgContext(c, "owner");
    return c.json(ok(await changeMemberRole(ctx, access, pathParam(c, "userId"), body.role), { message: "Role changed." }));
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
  },
  async (c) => {
    const userId = pathParam(c, "userId");
    const { ctx, access } = await orgContext(c, userId === c.get("user").id ? "viewer" : "owner"); // leaving needs no role
    await removeMember(ctx, access, userId);
    return c.json(ok(null, { message: "Member removed." }));
  },
);
