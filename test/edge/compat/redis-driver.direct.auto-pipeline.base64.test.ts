// The compatibility suite on the `redis` driver's direct transport, client mode AUTO_PIPELINE_BASE64.
import { connectRedisDirect } from "./redis-driver";
import { AUTO_PIPELINE_BASE64, defineCompatSuite } from "./suite";

defineCompatSuite("redis driver, direct transport", connectRedisDirect, [AUTO_PIPELINE_BASE64]);
