// @ts-check
// The Worker's own memory, read through `wrangler dev`'s inspector (the DevTools protocol): the JS
// heap in use in the isolate that runs the Worker and its Durable Objects. workerd does not answer
// HeapProfiler.collectGarbage, so callers sample often and keep the floor of each window (the heap
// right after V8's own collections), which rises only if something is retained. workerd's resident memory under `wrangler dev` also holds what the dev tooling keeps
// per request (a bare route grows it too: `SOAK_ROUTE=health node bench/soak.mjs`), so a leak of
// ours shows here, not there.
import WebSocket from "ws";

/**
 * @typedef {{ id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }} ProfileNode
 * @typedef {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number, endTime: number }} CpuProfile
 */

/** @param {number} port the stack's inspector port */
export async function connectInspector(port) {
  const targets = /** @type {{ webSocketDebuggerUrl: string }[]} */ (await (await fetch(`http://127.0.0.1:${port}/json`)).json());
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once("open", () => resolve(undefined));
    socket.once("error", reject);
  });
  let nextId = 0;
  /** @type {Map<number, (result: any) => void>} */
  const waiting = new Map();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data));
    const resolve = waiting.get(message.id);
    if (resolve) {
      waiting.delete(message.id);
      resolve(message.result);
    }
  });
  /** @param {string} method @param {object} [params] */
  const call = (method, params) =>
    new Promise((resolve, reject) => {
      nextId += 1;
      const timer = setTimeout(() => reject(new Error(`the inspector did not answer ${method} in 10 s`)), 10_000);
      waiting.set(nextId, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      socket.send(JSON.stringify({ id: nextId, method, params }));
    });
  await call("Runtime.enable");
  return {
    /** Bytes of JS heap in use now. */
    async heapUsed() {
      const usage = /** @type {{ usedSize: number }} */ (await call("Runtime.getHeapUsage"));
      return usage.usedSize;
    },
    /** Starts sampling the isolate's CPU (every `intervalUs` microseconds). */
    async startProfile(intervalUs = 100) {
      await call("Profiler.enable");
      await call("Profiler.setSamplingInterval", { interval: intervalUs });
      await call("Profiler.start");
    },
    /** Stops sampling; the DevTools CPU profile (nodes, samples, timeDeltas). */
    async stopProfile() {
      const { profile } = /** @type {{ profile: CpuProfile }} */ (await call("Profiler.stop"));
      return profile;
    },
    close() {
      socket.close();
    },
  };
}
