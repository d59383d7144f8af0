// The compatibility suite on the `redis` driver, client mode AUTO_PIPELINE_BASE64.
import { connectRedisDriver } from "./redis-driver";
import { AUTO_PIPELINE_BASE64, defineCompatSuite } from "./suite";

defineCompatSuite("redis driver", connectRedisDriver, [AUTO_PIPELINE_BASE64]);
