// A second instance of the real app whose edge reads time from a clock the test moves, so cache
// windows, rate windows and day boundaries are crossed without sleeping.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createApp } from "../../src/app";
import { ORIGIN } from "./api";

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
  /** POSTs a JSON command (or batch) to an instance through this app's edge. */
  const redis = async (instanceId: string, token: string, body: unknown, path = "") => {
    const res = await fetchApp(`/redis/${instanceId}${path}`, { method: "POST", token, body: JSON.stringify(body) });
    // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies of many shapes and assert them
    return { status: res.status, body: (await res.json()) as any, headers: res.headers };
  };
  return { clock, fetch: fetchApp, redis, advance: (ms: number) => (clock.now += ms) };
}
