// Invitations: admins invite, list and revoke under /api/organizations/:orgId/invitations; the
// invited, signed-in account previews and accepts with the token under /api/invitations.
import { Hono } from "hono";
import {
  acceptInvitation,
  createInvitation,
  listOrganizationInvitations,
  previewInvitation,
  revokeInvitation,
} from "../services/invitations";
import type { ManagementEnv } from "./context";
import { ok } from "./envelope";
import { defineRoute } from "./route";
import { InvitationListQuerySchema, InvitationTokenSchema, InviteSchema } from "./schemas";

export const invitationRoutes = new Hono<ManagementEnv>();
const BASE = "/api/organizations/:orgId/invitations";
const tag = "invitations";

defineRoute(
  invitationRoutes,
  {
    method: "post",
    path: BASE,
    summary:
      "Invite an email with a role (admin; an owner invite needs owner): a one-time link valid 7 days, shown once; " +
      "the same answer whether or not an account exists; replaces an open invitation for the same email",
    tag,
    auth: true,
    role: "admin",
    body: InviteSchema,
    status: 201,
  },
  async (c, { ctx, access, body }) => {
    const created = await createInvitation(ctx, access, body, new URL(c.req.url).origin);
    return c.json(ok(created, { message: "Invitation created. Pass the link on; it is shown only this once." }), 201);
  },
);

defineRoute(
  invitationRoutes,
  {
    method: "get",
    path: BASE,
    summary: "List invitations, newest first: ?status=pending (default), accepted, revoked or expired (admin)",
    tag,
    auth: true,
    role: "admin",
    query: InvitationListQuerySchema,
  },
  async (c, { ctx, access, query }) => {
    const page = await listOrganizationInvitations(ctx, access, query.status, query.limit, query.cursor);
    return c.json(ok(page.items, { pagination: { limit: query.limit, next_cursor: page.nextCursor } }));
  },
);

defineRoute(
  invitationRoutes,
  {
    method: "delete",
    path: `${BASE}/:invitationId`,
    summary: "Revoke an invitation: its link stops working (admin)",
    tag,
    auth: true,
    role: "admin",
    allowWhileSuspended: true, // it only takes access away
  },
  async (c, { ctx, access, params }) => {
    return c.json(ok(await revokeInvitation(ctx, access, params.invitationId), { message: "Invitation revoked." }));
  },
);

defineRoute(
  invitationRoutes,
  {
    method: "post",
    path: "/api/invitations/preview",
    summary: "What an invitation token offers: organization, role, inviter, expiry, and whether it is for your email",
    tag,
    auth: true,
    body: InvitationTokenSchema,
  },
  async (c, { ctx, body }) => {
    return c.json(ok(await previewInvitation(ctx, c.get("user"), body.token)));
  },
);

defineRoute(
  invitationRoutes,
  {
    method: "post",
    path: "/api/invitations/accept",
    summary: "Accept an invitation sent to your email: join its organization with the invited role (once)",
    tag,
    auth: true,
    body: InvitationTokenSchema,
  },
  async (c, { ctx, body }) => {
    return c.json(ok(await acceptInvitation(ctx, c.get("user"), body.token), { message: "Invitation accepted." }));
  },
);
