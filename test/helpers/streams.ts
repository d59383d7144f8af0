// Reads the edge's server-sent-event streams (/subscribe, /psubscribe, /monitor) from inside workerd.
import { exports } from "cloudflare:workers";
import { ORIGIN } from "./api";

/**
 * Opens an SSE stream. `events` holds its `data:` lines read so far; `until` reads until a predicate
 * on them holds, `untilEnd` to the end of the stream (returning its whole text); `cancel` hangs up.
 */
export async function openStream(path: string, token: string) {
  const res = await exports.default.fetch(
    new Request(`${ORIGIN}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" } }),
  );
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: string[] = [];
  let text = "";
  const parse = () => events.splice(0, events.length, ...[...text.matchAll(/^data: (.*)$/gm)].map((m) => m[1] as string));
  const readOnce = async (parseEvents = true) => {
    const { done, value } = await reader.read();
    if (!done) text += decoder.decode(value, { stream: true });
    if (parseEvents || done) parse();
    return done;
  };
  const until = async (predicate: (events: string[]) => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(events)) {
      if (Date.now() > deadline) throw new Error(`timed out; events so far: ${JSON.stringify(events)}`);
      if (await readOnce()) throw new Error(`stream ended early; events so far: ${JSON.stringify(events)}`);
    }
    return events;
  };
  const untilEnd = async () => {
    while (!(await readOnce(false)));
    return text;
  };
  return { res, events, until, untilEnd, cancel: () => reader.cancel() };
}
