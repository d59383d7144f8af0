// Reads and validates a management request's JSON body, query and the like: capped in bytes,
// JSON only, and every failure a precise AppError.
import type { Context } from "hono";
import type { z } from "zod";
import { AppError, type ValidationIssue } from "../errors";

export const MAX_MANAGEMENT_BODY_BYTES = 64 * 1024;

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

/**
 * The request's JSON body: 415 for another content type, 413 past the cap, 400 for bad JSON. A
 * DELETE that sends no body at all reads as `{}`: clients send DELETE without one out of habit, and
 * the schema's answer then names each field it needs, where a 415 would say nothing useful.
 */
export async function readJsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (c.req.method === "DELETE" && !type && c.req.raw.body === null) return {};
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

function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
}

/** Parses `value` with `schema`; a mismatch is a 400 listing every issue. */
export function validate<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError("invalid_request", `Invalid ${where}.`, toIssues(result.error));
  return result.data;
}
