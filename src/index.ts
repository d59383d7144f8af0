// Worker entry: exports the app, and the Durable Object classes the runtime must find here.
import { app } from "./app";

export { LoginLimiter } from "./auth/login-limiter";
export { StreamSlots } from "./meter/stream-slots";
export { UsageMeter } from "./meter/usage-meter";
export { DirectoryOutbox } from "./storage/directory-outbox";
export { RedisPool } from "./upstream/redis/pool-object";
export default app satisfies ExportedHandler<Env>;
