// The compatibility suite through the `redis` driver (the default pooled transport), in every client
// mode, over real HTTP; redis-driver-direct-compat.test.ts runs it on the direct transport. Each
// mode gets its own key (./compat-keys.ts).
import { inject } from "vitest";
import { CLIENT_MODES, defineCompatSuite } from "../compat/suite";
import { mintCompatKey } from "./compat-keys";

for (const mode of CLIENT_MODES) {
  defineCompatSuite("redis driver", async () => ({ url: inject("stack").url, token: await mintCompatKey(`compat ${mode.name}`) }), [mode]);
}
