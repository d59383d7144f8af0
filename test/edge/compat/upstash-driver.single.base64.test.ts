// The compatibility suite on the `upstash` driver (through a second RedisGate), client mode SINGLE_BASE64.
import { defineCompatSuite, SINGLE_BASE64 } from "./suite";
import { connectUpstashDriver } from "./upstash-driver";

defineCompatSuite("upstash driver", connectUpstashDriver, [SINGLE_BASE64]);
