// One way to declare a management route: method, path, input schemas and docs in one place. The
// same zod schemas validate requests and generate /api/openapi.json, so they cannot drift apart.
import type { Context, Hono } from "hono";
import { z } from "zod";
import { AppError, type ValidationIssue } from "../errors";
import type { ManagementEnv } from "./context";

export const MAX_MANAGEMENT_BODY_BYTES = 64 * 1024;

type Method = "get" | "post" | "put" | "delete";

export type RouteSpec<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> = {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  /** false for the few public routes (register, login, health, ...). */
  auth: boolean;
  body?: B;
  query?: Q;
  status?: number;
};

type Input<B, Q> = {
  body: B extends z.ZodType ? z.infer<B> : undefined;
  query: Q extends z.ZodType ? z.infer<Q> : undefined;
};

export const registeredRoutes: RouteSpec<z.ZodType | undefined, z.ZodType | undefined>[] = [];

function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
}

/**
 * Reads a body of at most `max` bytes; null when it is larger. Counts bytes, not UTF-16 units, and
 * stops at the limit, so a chunked upload without Content-Length cannot fill the isolate's memory.
 */
async function readCapped(body: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body?.getReader();
  for (let part = await reader?.read(); part && !part.done; part = await reader?.read()) {
    size += part.value.byteLength;
    if (size > max) {
      await reader?.cancel();
      return null;
    }
    chunks.push(part.value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function readJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "Send the request body as JSON with Content-Type: application/json.");
  }
  const tooLarge = new AppError("payload_too_large", `The request body exceeds ${MAX_MANAGEMENT_BODY_BYTES} bytes.`);
  if (Number(c.req.header("content-length") ?? "0") > MAX_MANAGEMENT_BODY_BYTES) throw tooLarge;
  const bytes = await readCapped(c.req.raw.body, MAX_MANAGEMENT_BODY_BYTES);
  if (!bytes) throw tooLarge;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new AppError("invalid_request", `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function validate<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError("invalid_request", `Invalid ${where}.`, toIssues(result.error));
  return result.data;
}

/** Registers a route on `app` and records it for the OpenAPI document. */
export function defineRoute<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  app: Hono<ManagementEnv>,
  spec: RouteSpec<B, Q>,
  handler: (c: Context<ManagementEnv>, input: Input<B, Q>) => Promise<Response>,
): void {
  registeredRoutes.push(spec as RouteSpec<z.ZodType | undefined, z.ZodType | undefined>);
  app.on(spec.method.toUpperCase(), spec.path, async (c) => {
    const body = spec.body ? validate(spec.body, await readJsonBody(c), "request body") : undefined;
    const query = spec.query ? validate(spec.query, c.req.query(), "query parameters") : undefined;
    return handler(c, { body, query } as Input<B, Q>);
  });
}

/** `limit` (1-100, default 50) and an opaque `cursor`, shared by every list route. */
export const PageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, "{$1}");
}

/** The OpenAPI 3.1 document for every registered route. */
export function buildOpenApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of registeredRoutes) {
    const params = [...spec.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const query = spec.query
      ? Object.entries(
          (z.toJSONSchema(spec.query, { io: "input", unrepresentable: "any" }).properties ?? {}) as Record<string, unknown>,
        ).map(([name, schema]) => ({ name, in: "query", required: false, schema }))
      : [];
    const operation: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      parameters: [...params, ...query],
      security: spec.auth ? [{ session: [] }, { cookie: [] }] : [],
      responses: {
        [String(spec.status ?? 200)]: { description: "Success envelope { success, data, timestamp }" },
        default: { description: "Failure envelope { success: false, message, error: { code, requestId, issues? } }" },
      },
    };
    if (spec.body) {
      operation.requestBody = {
        required: true,
        content: { "application/json": { schema: z.toJSONSchema(spec.body, { io: "input", unrepresentable: "any" }) } },
      };
    }
    const path = toOpenApiPath(spec.path);
    paths[path] = { ...paths[path], [spec.method]: operation };
  }
  return {
    openapi: "3.1.0",
    info: { title: "RedisGate management API", version },
    components: {
      securitySchemes: {
        session: { type: "http", scheme: "bearer", description: "Session token from POST /auth/login" },
        cookie: { type: "apiKey", in: "cookie", name: "rg_session" },
      },
    },
    paths,
  };
}

/** A path parameter of the matched route (always present when the route matched). */
export function pathParam(c: Context, name: string): string {
  const value = c.req.param(name) as string | undefined;
  if (!value) throw new AppError("not_found", `Missing path parameter ${name}.`);
  return value;
}

/** Methods registered for a concrete path (for a 405 with `Allow` instead of a bare 404). */
export function allowedMethods(path: string): string[] {
  const methods = registeredRoutes
    .filter((spec) => new RegExp(`^${spec.path.replace(/:[A-Za-z]+/g, "[^/]+")}$`).test(path))
    .map((spec) => spec.method.toUpperCase());
  return [...new Set(methods)];
}
