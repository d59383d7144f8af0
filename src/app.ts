// The root Hono app: request ids, error rendering, and the three faces mounted side by side.
import { Hono } from "hono";
import { dashboard } from "./dashboard";
import { createEdge, type EdgeOptions } from "./edge";
import { type AppEnv, ConfigError, getConfig } from "./env";
import { AppError, renderError } from "./errors";
import { newId } from "./lib/ids";
import { management } from "./management";
import { allowedMethods } from "./management/route";
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

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = allowedMethods(path);
    if (allowed.length > 0) {
      const allow = allowed.join(", ");
      return renderError(
        c,
        new AppError("method_not_allowed", `${c.req.method} is not allowed on ${path}; use ${allow}.`, undefined, { Allow: allow }),
      );
    }
    return renderError(c, new AppError("not_found", `No route for ${c.req.method} ${path}.`));
  });

  app.onError((error, c) => {
    if (error instanceof AppError) return renderError(c, error);
    if (error instanceof ConfigError) {
      // The operator's mistake, not a secret: say exactly what is wrong on every request until fixed.
      console.error(JSON.stringify({ level: "error", requestId: c.get("requestId"), message: error.message }));
      if (new URL(c.req.url).pathname.startsWith("/redis/")) return errorResponse(500, `ERR ${error.message}`);
      return renderError(c, new AppError("internal_error", error.message));
    }
    const requestId = c.get("requestId");
    console.error(JSON.stringify({ level: "error", requestId, message: (error as Error).message }));
    // The edge speaks Upstash's { error } even when something unexpected breaks.
    if (new URL(c.req.url).pathname.startsWith("/redis/")) return errorResponse(500, `ERR internal error (request ${requestId})`);
    return renderError(c, new AppError("internal_error", "Something went wrong on our side. Quote the request id if you report it."));
  });

  return app;
}

export const app = createApp();
