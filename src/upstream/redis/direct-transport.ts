// The direct transport: a fresh connection per exchange (connect, AUTH/SELECT, commands; AUTH as the
// default user travels with the commands, see RedisConnection.setUpAndExchange), closed
// when done. What a Worker alone can do; an instance chooses it with transport "direct". It holds
// the connection, so it translates script flags (this isolate's SHA1 map) and stops runaway scripts.
import type { UpstreamTarget } from "../driver";
import { exchangeOnce } from "./connection";
import type { Arg, RespValue } from "./resp";
import { exchangeWithScripts } from "./script-exchange";
import { ScriptShaMap } from "./script-flags";
import { withScriptKill } from "./script-kill";
import type { RedisTransport } from "./transport";

/** This isolate's client-to-server script SHA1s (each pool object holds its own). */
const ISOLATE_SCRIPT_SHAS = new ScriptShaMap();

export class DirectTransport implements RedisTransport {
  constructor(
    private readonly target: () => Promise<UpstreamTarget>,
    private readonly scriptShas: ScriptShaMap = ISOLATE_SCRIPT_SHAS,
  ) {}

  async exchange(commands: readonly (readonly Arg[])[]): Promise<RespValue[]> {
    const target = await this.target();
    return exchangeWithScripts(commands, this.scriptShas, (sent) => withScriptKill(target, sent, () => exchangeOnce(target, sent)));
  }
}
