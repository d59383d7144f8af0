// @ts-check
// Listeners on the loopback interface for the dev scripts, the benches and the test rig: the OS picks
// a free port, so parallel runs never collide.

/**
 * Listens on 127.0.0.1 at a port the OS picks.
 * @param {import("node:net").Server} server
 * @returns {Promise<number>} the port
 */
export function listenOnLoopback(server) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
}
