// The management face: /auth/*, /api/*, /health, /version and the JWKS. Sessions guard /api/*.
import { Hono } from "hono";
import { accountRoutes } from "./account-routes";
import { adminAccountRoutes } from "./admin-account-routes";
import { adminRoutes } from "./admin-routes";
import { apiKeyRoutes } from "./api-key-routes";
import { auditRoutes } from "./audit-routes";
import { authRoutes } from "./auth-routes";
import { consoleRoutes } from "./console-routes";
import type { ManagementEnv } from "./context";
import { renderManagementError } from "./envelope";
import { instanceRoutes } from "./instance-routes";
import { invitationRoutes } from "./invitation-routes";
import { metaRoutes } from "./meta-routes";
import { organizationRoutes } from "./organization-routes";
import { usageRoutes } from "./usage-routes";

export const management = new Hono<ManagementEnv>();
management.onError(renderManagementError);

management.route("/", metaRoutes);
management.route("/", authRoutes);
management.route("/", accountRoutes);
management.route("/", organizationRoutes);
management.route("/", invitationRoutes);
management.route("/", instanceRoutes);
management.route("/", apiKeyRoutes);
management.route("/", auditRoutes);
management.route("/", consoleRoutes);
management.route("/", usageRoutes);
management.route("/", adminRoutes);
management.route("/", adminAccountRoutes);
