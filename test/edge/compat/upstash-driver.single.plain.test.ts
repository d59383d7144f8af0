// The compatibility suite on the `upstash` driver (through a second RedisGate), client mode SINGLE_PLAIN.
import { defineCompatSuite, SINGLE_PLAIN } from "./suite";
import { connectUpstashDriver } from "./upstash-driver";

defineCompatSuite("upstash driver", connectUpstashDriver, [SINGLE_PLAIN]);
