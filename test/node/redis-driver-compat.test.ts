// The compatibility suite through the `redis` driver (the default pooled transport), in every client
// mode, over real HTTP; redis-driver-direct-compat.test.ts runs it on the direct transport.
import { inject } from "vitest";
import { defineCompatSuite } from "../compat/suite";

defineCompatSuite("redis driver", async () => ({ url: inject("stack").url, token: inject("stack").key }));
