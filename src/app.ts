// The root of the Worker: a request id for every request, then the three faces. The edge (every
// path under /redis) is dispatched before any router sees the request: its hot path never pays
// for matching the management API's and the dashboard's routes. Each face renders its own errors;
// a request no face claims gets the management API's 404/405.
import { Hono, type MiddlewareHandler } from "hono";
import { dashboard } from "./dashboard";
import { createEdge, type EdgeOptions } from "./edge";
import { type AppEnv, ConfigError, getConfig } from "./env";
import { AppError } from "./errors";
import { newId } from "./lib/ids";
import { management } from "./management";
import { renderManagementError, renderNotFound } from "./management/envelope";
import { errorResponse } from "./upstream/upstash-response";

/** True for the edge's paths: /redis and everything under it. */
const EDGE_PATH = /^[a-z]+:\/\/[^/?#]*\/redis(?:[/?#]|$)/;

/** Every face's first step: the request id (echoed as x-request-id) and the configuration check. */
const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const requestId = newId("req");
  c.set("requestId", requestId);
  getConfig(c.env); // parsed once per isolate; a bad var or secret fails every request loudly
  await next();
  c.res.headers.set("x-request-id", requestId);
};

/**
 * Only what fails before a face is reached: the configuration check. It names the operator's
 * mistake (never a secret) on every request until fixed, in the format of the face asked.
 */
function onConfigError(edge: boolean) {
  return (error: Error, c: Parameters<typeof renderManagementError>[1]) => {
    if (!(error instanceof ConfigError)) return renderManagementError(error, c);
    console.error(JSON.stringify({ level: "error", requestId: c.get("requestId"), message: error.message }));
    if (edge) return errorResponse(500, `ERR ${error.message}`);
    return renderManagementError(new AppError("internal_error", error.message), c);
  };
}

/** Builds the Worker's app. Options reach the edge (tests inject a clock to cross cache windows). */
export function createApp(options: EdgeOptions = {}) {
  const edge = new Hono<AppEnv>();
  edge.use(requestContext);
  edge.route("/redis", createEdge(options));
  edge.onError(onConfigError(true));

  const faces = new Hono<AppEnv>();
  faces.use(requestContext);
  faces.route("/", management);
  faces.route("/", dashboard);
  faces.notFound(renderNotFound);
  faces.onError(onConfigError(false));

  return {
    fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
      return (EDGE_PATH.test(request.url) ? edge : faces).fetch(request, env, ctx);
    },
  } satisfies ExportedHandler<Env>;
}

export const app = createApp();
