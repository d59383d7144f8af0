// The compatibility suite through the `redis` driver's direct transport (a fresh connection per
// request, to a Redis whose default user needs a password: AUTH travels with each request's
// commands), in every client mode, over real HTTP; redis-driver-compat.test.ts covers the pooled
// default. Each mode gets its own key, limited to the direct instance (./compat-keys.ts).
import { inject } from "vitest";
import { CLIENT_MODES, defineCompatSuite } from "../compat/suite";
import { mintCompatKey } from "./compat-keys";

for (const mode of CLIENT_MODES) {
  defineCompatSuite("redis driver, direct transport", async () => {
    const { url } = inject("stack").direct;
    const instanceId = new URL(url).pathname.split("/").pop() as string;
    return { url, token: await mintCompatKey(`compat direct ${mode.name}`, [instanceId]) };
  }, [mode]);
}
