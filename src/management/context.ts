// The management face's Hono environment and the bridge from a request to a ServiceContext.
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { type KeyRing, loadKeyRing } from "../auth/api-key-token";
import { DEVICE_COOKIE, type SessionEnv } from "../auth/middleware";
import { getConfig } from "../env";
import type { LoginClient } from "../services/accounts";
import { createServiceContext, type ServiceContext } from "../services/context";

export type ManagementEnv = SessionEnv;

export function clientIp(c: Context): string | null {
  return c.req.header("cf-connecting-ip") ?? null;
}

/** The client of a password check: its address, user agent and trusted-device cookie. */
export function loginClient(c: Context<ManagementEnv>): LoginClient {
  return {
    ip: clientIp(c),
    userAgent: c.req.header("user-agent") ?? null,
    deviceToken: getCookie(c, DEVICE_COOKIE) ?? null,
    requestId: c.get("requestId"),
  };
}

export function serviceContext(c: Context<ManagementEnv>): ServiceContext {
  return createServiceContext(c.env, {
    userId: c.get("user").id,
    ip: clientIp(c),
    userAgent: c.req.header("user-agent") ?? null,
    requestId: c.get("requestId"),
  });
}

/** The deployment's API-key signing keys (imported once per isolate): to mint keys, or publish them. */
export function signingKeyRing(c: Context<ManagementEnv>): Promise<KeyRing> {
  return loadKeyRing(getConfig(c.env).API_KEY_SIGNING_KEYS.keys, c.env.API_KEY_SIGNING_KEYS);
}
