// The compatibility suite on the `redis` driver, client mode AUTO_PIPELINE_PLAIN.
import { connectRedisDriver } from "./redis-driver";
import { AUTO_PIPELINE_PLAIN, defineCompatSuite } from "./suite";

defineCompatSuite("redis driver", connectRedisDriver, [AUTO_PIPELINE_PLAIN]);
