// The compatibility suite through the `redis` driver, in every client mode, over real HTTP.
import { inject } from "vitest";
import { defineCompatSuite } from "../compat/suite";

defineCompatSuite("redis driver", async () => ({ url: inject("stack").url, token: inject("stack").key }));
