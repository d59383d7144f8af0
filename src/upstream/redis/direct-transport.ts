// The direct transport: a fresh connection per exchange (connect, AUTH/SELECT, commands), closed
// when done. What a Worker alone can do; an instance chooses it with transport "direct".
import type { UpstreamTarget } from "../driver";
import { withConnection } from "./connection";
import type { Arg, RespValue } from "./resp";
import type { RedisTransport } from "./transport";

export class DirectTransport implements RedisTransport {
  constructor(private readonly target: () => Promise<UpstreamTarget>) {}

  async exchange(commands: readonly (readonly Arg[])[]): Promise<RespValue[]> {
    const target = await this.target();
    return withConnection(target, (c) => c.exchange(commands));
  }
}
