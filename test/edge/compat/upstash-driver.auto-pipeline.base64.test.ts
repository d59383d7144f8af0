// The compatibility suite on the `upstash` driver (through a second RedisGate), client mode AUTO_PIPELINE_BASE64.
import { AUTO_PIPELINE_BASE64, defineCompatSuite } from "./suite";
import { connectUpstashDriver } from "./upstash-driver";

defineCompatSuite("upstash driver", connectUpstashDriver, [AUTO_PIPELINE_BASE64]);
