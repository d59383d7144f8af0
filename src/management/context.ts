// The management face's Hono environment and the bridge from a request to a ServiceContext.
import type { Context } from "hono";
import type { SessionEnv } from "../auth/middleware";
import { createServiceContext, type ServiceContext } from "../services/context";

export type ManagementEnv = SessionEnv;

export function clientIp(c: Context): string | null {
  return c.req.header("cf-connecting-ip") ?? null;
}

export function serviceContext(c: Context<ManagementEnv>): ServiceContext {
  return createServiceContext(c.env, {
    userId: c.get("user").id,
    ip: clientIp(c),
    userAgent: c.req.header("user-agent") ?? null,
    requestId: c.get("requestId"),
  });
}
