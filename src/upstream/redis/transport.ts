// The redis driver's transport seam: what executes an exchange (commands in, one reply per command
// out, in order). The driver decides what to send and how to encode replies; a transport only moves
// them. An exchange is written contiguously, so MULTI...EXEC inside one never interleaves with others.
import type { Arg, RespValue } from "./resp";

export interface RedisTransport {
  /**
   * Sends `commands` in one write and resolves with their replies in order.
   * @throws UpstreamFailure (./connection) for unreachable, timeout, auth, protocol or busy.
   */
  exchange(commands: readonly (readonly Arg[])[]): Promise<RespValue[]>;
}
