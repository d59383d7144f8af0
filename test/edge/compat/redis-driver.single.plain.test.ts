// The compatibility suite on the `redis` driver, client mode SINGLE_PLAIN.
import { connectRedisDriver } from "./redis-driver";
import { defineCompatSuite, SINGLE_PLAIN } from "./suite";

defineCompatSuite("redis driver", connectRedisDriver, [SINGLE_PLAIN]);
