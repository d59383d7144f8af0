// The root Hono app: request ids, error rendering, and the three faces mounted side by side.
import { Hono } from "hono";
import { createEdge, type EdgeOptions } from "./edge";
import type { AppEnv } from "./env";
import { AppError, renderError } from "./errors";
import { newId } from "./lib/ids";
import { management } from "./management";

/** Builds the Worker's app. Options reach the edge (tests inject a clock to cross cache windows). */
export function createApp(options: EdgeOptions = {}) {
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const requestId = newId("req");
    c.set("requestId", requestId);
    await next();
    c.res.headers.set("x-request-id", requestId);
  });

  app.route("/redis", createEdge(options));
  app.route("/", management);

  app.notFound((c) => renderError(c, new AppError("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`)));

  app.onError((error, c) => {
    if (error instanceof AppError) return renderError(c, error);
    console.error(JSON.stringify({ level: "error", requestId: c.get("requestId"), message: (error as Error).message }));
    return renderError(c, new AppError("internal_error", "Something went wrong on our side. Quote the request id if you report it."));
  });

  return app;
}

export const app = createApp();
