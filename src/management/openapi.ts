// The OpenAPI 3.1 document, built from the same route specs that validate and authorize requests.
import { z } from "zod";
import { registeredRoutes } from "./route";

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, "{$1}");
}

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });

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
      ? Object.entries((jsonSchema(spec.query).properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({
          name,
          in: "query",
          required: false,
          schema,
        }))
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
    if (spec.role !== undefined) operation["x-required-role"] = spec.role;
    if (spec.operator) operation["x-operator-only"] = true;
    if (spec.allowWhileSuspended) operation["x-allowed-while-suspended"] = true;
    if (spec.body) operation.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(spec.body) } } };
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
