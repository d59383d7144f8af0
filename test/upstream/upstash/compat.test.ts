// The compatibility suite through the `upstash` driver, inside workerd: client → edge (upstash
// driver) → a second RedisGate in its own workerd (redis driver) → the test redis-server. The
// full client-mode matrix runs against the redis driver over real HTTP (test/node); this driver
// runs the mode that exercises the most (auto-pipelining and base64), as a representative slice.
import "../../helpers/sdk";
import { AUTO_PIPELINE_BASE64, defineCompatSuite } from "../../compat/suite";
import { connectUpstashDriver } from "./compat-target";

defineCompatSuite("upstash driver", connectUpstashDriver, [AUTO_PIPELINE_BASE64]);
