// A throwaway redis-server for the runaway-script tests (Node side): `busy-reply-threshold` 200 ms
// so Redis answers BUSY soon after a script starts, and restarted on the same port whenever it exits,
// because a script that has already written can only be stopped with SHUTDOWN NOSAVE.
import { createConnection } from "node:net";
import { startRedisServer } from "../../scripts/redis-server.mjs";

type Server = Awaited<ReturnType<typeof startRedisServer>>;

/** SHUTDOWN NOSAVE never answers (the server just closes), so wait for the close, not a reply. */
function shutdownNoSave(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => socket.write("*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n"));
    const timer = setTimeout(() => socket.destroy(), 3000);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.on("error", () => {});
  });
}

export async function startBusyRedis() {
  const args = ["--busy-reply-threshold", "200"];
  let current: Server = await startRedisServer({ quiet: true, args });
  const port = current.port;
  let stopping = false;
  const restart = async () => {
    for (let attempt = 0; attempt < 20 && !stopping; attempt++) {
      try {
        current = await startRedisServer({ quiet: true, args, port });
        watch(current);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100)); // the old process may still hold the port
      }
    }
  };
  const watch = (server: Server) => {
    server.exited.then(() => {
      if (!stopping && server === current) void restart();
    });
  };
  watch(current);
  return {
    url: current.url,
    stop: async () => {
      stopping = true;
      // SIGTERM waits for a running script; SHUTDOWN NOSAVE does not (its reply never comes: ignore).
      await shutdownNoSave(port);
      await current.stop();
    },
  };
}
