// Worker entry: exports the app, and the Durable Object class the runtime must find here.
import { app } from "./app";

export { LoginLimiter } from "./auth/login-limiter";
export { UsageMeter } from "./meter/usage-meter";
export default app satisfies ExportedHandler<Env>;
