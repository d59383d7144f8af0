// The compatibility suite on the `redis` driver, client mode SINGLE_BASE64.
import { connectRedisDriver } from "./redis-driver";
import { defineCompatSuite, SINGLE_BASE64 } from "./suite";

defineCompatSuite("redis driver", connectRedisDriver, [SINGLE_BASE64]);
