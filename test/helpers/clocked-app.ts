// A second instance of the real app whose edge reads time from a clock the test moves, so cache
// windows, rate windows and day boundaries are crossed without sleeping.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createApp } from "../../src/app";
import { type ApiResult, ORIGIN } from "./api";
import type { ResponseOf } from "./api-types";

export function clockedApp(start = Date.now(), bindings: Env = env) {
  const clock = { now: start };
  const app = createApp({ now: () => clock.now });
  const fetchApp = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${ORIGIN}${path}`, { ...init, headers }), bindings, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  /** POSTs a JSON command (or, with `path` "/pipeline" or "/multi-exec", a batch) to an instance through this app's edge. */
  const redis = async <const P extends string = "">(
    instanceId: string,
    token: string,
    body: unknown,
    path?: P,
  ): Promise<ApiResult<ResponseOf<"POST", `/redis/${string}${P}`>>> => {
    const res = await fetchApp(`/redis/${instanceId}${path ?? ""}`, { method: "POST", token, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
  return { clock, fetch: fetchApp, redis, advance: (ms: number) => (clock.now += ms) };
}
