// Server-sent events over a dedicated Redis connection (SUBSCRIBE, PSUBSCRIBE, MONITOR). The
// connection lives as long as the stream: a heartbeat comment every few seconds lets the runtime
// notice a client that went away, and cancelling the stream closes the Redis connection.
import { utf8 } from "../../lib/encoding";
import { nextSyncToken } from "../../lib/sync-token";
import { eventField, type UpstreamTarget } from "../driver";
import { RedisConnection, withDeadline } from "./connection";
import type { Arg, RespValue } from "./resp";

/** Formats one event: one `data:` line (the callers' fields hold no line break: see eventField). */
function sseEvent(data: string): Uint8Array {
  return utf8.encode(`data: ${eventField(data)}\n\n`);
}

/**
 * Opens a connection, sends `command` (with AUTH when it may share the write: see openStream), and
 * streams every reply as an SSE event through `describe` (null skips a reply). Ends when the client
 * cancels or the server closes the connection.
 */
export async function eventStream(
  target: UpstreamTarget,
  command: Arg[],
  describe: (reply: RespValue) => string | null,
): Promise<Response> {
  // A connection still opening at the deadline is the request's own I/O: workerd cancels it when
  // the 504 ends the request.
  const { connection, first } = await withDeadline(target, RedisConnection.openStream(target, command));
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    clearInterval(heartbeat);
    connection.close();
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      heartbeat = setInterval(() => {
        try {
          controller.enqueue(utf8.encode(": ping\n\n"));
        } catch {
          stop();
        }
      }, target.heartbeatMs);
      (async () => {
        try {
          const firstData = first === undefined ? null : describe(first);
          if (firstData !== null) controller.enqueue(sseEvent(firstData));
          for (;;) {
            const reply = await connection.nextReply();
            if (reply === undefined) break;
            const data = describe(reply);
            if (data !== null) controller.enqueue(sseEvent(data));
          }
          stop();
          controller.close();
        } catch {
          stop();
          try {
            controller.close();
          } catch {
            // already cancelled by the client
          }
        }
      })();
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "upstash-sync-token": nextSyncToken(),
    },
  });
}
