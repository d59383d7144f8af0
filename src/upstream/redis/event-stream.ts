// Server-sent events over a dedicated Redis connection (SUBSCRIBE, PSUBSCRIBE, MONITOR). The
// connection lives as long as the stream: a heartbeat comment every few seconds lets the runtime
// notice a client that went away, and cancelling the stream closes the Redis connection.
// Replies are read from Redis only as fast as the client takes them: at most STREAM_BACKLOG_BYTES
// wait in the isolate (plus the message being read), and a client that leaves that much unread
// for STALLED_HEARTBEATS heartbeats is sent an error event and the stream ends, so a reader that
// stopped can neither fill the isolate nor make Redis buffer for it for long.
import { utf8 } from "../../lib/encoding";
import { nextSyncToken } from "../../lib/sync-token";
import { eventField, streamErrorEvent, type UpstreamTarget } from "../driver";
import { RedisConnection, withDeadline } from "./connection";
import type { Arg, RespValue } from "./resp";

/** Bytes of events a stream holds for a client that is behind; past it, Redis is read no further. */
export const STREAM_BACKLOG_BYTES = 1024 * 1024;
/** Heartbeats a backlog may stay full before the stream ends. */
export const STALLED_HEARTBEATS = 5;

/** Formats one event: one `data:` line (the callers' fields hold no line break: see eventField). */
function sseEvent(data: string): Uint8Array {
  return utf8.encode(`data: ${eventField(data)}\n\n`);
}

const stalledText = (target: UpstreamTarget) =>
  `ERR this stream's client left more than ${STREAM_BACKLOG_BYTES} bytes unread for ${
    (STALLED_HEARTBEATS * target.heartbeatMs) / 1000
  } s; the stream was closed, subscribe again to continue`;

/**
 * Opens a connection, sends `command` (with AUTH when it may share the write: see openStream), and
 * streams every reply as an SSE event through `describe` (null skips a reply). Ends when the client
 * cancels, the server closes the connection, or the client stops reading (see above); `label`
 * names the stream in that error event.
 */
export async function eventStream(
  target: UpstreamTarget,
  command: Arg[],
  label: string,
  describe: (reply: RespValue) => string | null,
): Promise<Response> {
  // A connection still opening at the deadline is the request's own I/O: workerd cancels it when
  // the 504 ends the request.
  const { connection, first } = await withDeadline(target, RedisConnection.openStream(target, command));
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let stopped = false;
  /** Called when the client takes events and room frees up (the stream's pull). */
  let wake: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    clearInterval(heartbeat);
    connection.close();
    wake?.();
  };
  /** Resolves true once the backlog has room, false when it stayed full too long or the stream stopped. */
  const room = (controller: ReadableStreamDefaultController<Uint8Array>): Promise<boolean> => {
    if ((controller.desiredSize ?? 1) > 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), STALLED_HEARTBEATS * target.heartbeatMs);
      wake = () => {
        wake = undefined;
        clearTimeout(timer);
        resolve(!stopped);
      };
    });
  };
  const body = new ReadableStream<Uint8Array>(
    {
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
              if (!(await room(controller))) {
                if (!stopped) controller.enqueue(utf8.encode(streamErrorEvent(label, stalledText(target))));
                break;
              }
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
      pull() {
        wake?.();
      },
      cancel() {
        stop();
      },
    },
    { highWaterMark: STREAM_BACKLOG_BYTES, size: (chunk) => chunk.byteLength },
  );
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "upstash-sync-token": nextSyncToken(),
    },
  });
}
