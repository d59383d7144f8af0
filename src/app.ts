// The root Hono app: a request id for every request, then the three faces side by side. Each face
// renders its own errors; a request no face claims gets the management API's 404/405.
import { Hono } from "hono";
import { dashboard } from "./dashboard";
import { createEdge, type EdgeOptions } from "./edge";
import { type AppEnv, ConfigError, getConfig } from "./env";
import { AppError } from "./errors";
import { newId } from "./lib/ids";
import { management } from "./management";
import { renderManagementError, renderNotFound } from "./management/envelope";
import { errorResponse } from "./upstream/upstash-response";

/** Builds the Worker's app. Options reach the edge (tests inject a clock to cross cache windows). */
export function createApp(options: EdgeOptions = {}) {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const requestId = newId("req");
    c.set("requestId", requestId);
    getConfig(c.env); // parsed once per isolate; a bad var or secret fails every request loudly
    await next();
    c.res.headers.set("x-request-id", requestId);
  });

  app.route("/redis", createEdge(options));
  app.route("/", management);
  app.route("/", dashboard);
  app.notFound(renderNotFound);
  // Only what fails before a face is reached: the configuration check. It names the operator's
  // mistake (never a secret) on every request until fixed, in the format of the face asked.
  app.onError((error, c) => {
    if (!(error instanceof ConfigError)) return renderManagementError(error, c);
    console.error(JSON.stringify({ level: "error", requestId: c.get("requestId"), message: error.message }));
    if (new URL(c.req.url).pathname.startsWith("/redis/")) return errorResponse(500, `ERR ${error.message}`);
    return renderManagementError(new AppError("internal_error", error.message), c);
  });
  return app;
}

export const app = createApp();
