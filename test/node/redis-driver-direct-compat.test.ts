// The compatibility suite through the `redis` driver's direct transport (a fresh connection per
// request), in every client mode, over real HTTP; redis-driver-compat.test.ts covers the pooled default.
import { inject } from "vitest";
import { defineCompatSuite } from "../compat/suite";

defineCompatSuite("redis driver, direct transport", async () => inject("stack").direct);
