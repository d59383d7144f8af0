// The compatibility suite on the `redis` driver's direct transport, client mode SINGLE_PLAIN.
import { connectRedisDirect } from "./redis-driver";
import { defineCompatSuite, SINGLE_PLAIN } from "./suite";

defineCompatSuite("redis driver, direct transport", connectRedisDirect, [SINGLE_PLAIN]);
