// The wire-compatibility suite: the official @upstash/redis client, in every client mode that
// changes what goes over the wire, against one base URL. It is driver-agnostic: a driver's test
// files call defineCompatSuite with a `connect` that yields a base URL and a key.
// Run one client mode per test file: under @cloudflare/vitest-pool-workers every request through
// the Worker's fetch gets slower as a file's request count grows (cloudflare/workers-sdk#15446),
// and all four modes in one file take minutes instead of seconds.
import { beforeAll, describe } from "vitest";
import { CLIENT_MODES, type ClientMode, type CompatContext, type CompatTarget, createContext } from "./context";
import { bitmaps } from "./groups/bitmaps";
import { connection } from "./groups/connection";
import { functions } from "./groups/functions";
import { geo, hyperloglog } from "./groups/geo-hyperloglog";
import { hashes } from "./groups/hashes";
import { keyspaceCommands } from "./groups/keyspace";
import { lists } from "./groups/lists";
import { pipelines } from "./groups/pipelines";
import { pubsub } from "./groups/pubsub";
import { readYourWrites } from "./groups/read-your-writes";
import { scripting } from "./groups/scripting";
import { sets } from "./groups/sets";
import { sortedSets } from "./groups/sorted-sets";
import { streams } from "./groups/streams";
import { strings } from "./groups/strings";
import { transactions } from "./groups/transactions";
import { values } from "./groups/values";

export {
  AUTO_PIPELINE_BASE64,
  AUTO_PIPELINE_PLAIN,
  CLIENT_MODES,
  type ClientMode,
  type CompatTarget,
  SINGLE_BASE64,
  SINGLE_PLAIN,
} from "./context";

const GROUPS: readonly [string, (ctx: CompatContext) => void][] = [
  ["connection", connection],
  ["strings", strings],
  ["bitmaps", bitmaps],
  ["hashes", hashes],
  ["lists", lists],
  ["sets", sets],
  ["sorted sets", sortedSets],
  ["streams", streams],
  ["geo", geo],
  ["hyperloglog", hyperloglog],
  ["scripting", scripting],
  ["functions", functions],
  ["pub/sub", pubsub],
  ["keyspace", keyspaceCommands],
  ["pipelines", pipelines],
  ["transactions", transactions],
  ["values", values],
  ["read-your-writes", readYourWrites],
];

/**
 * Defines the suite under `label` for each of `modes`. `connect` runs once, before the first
 * test, and returns the base URL a user would paste into `new Redis({ url, token })` and a key
 * with write scope whose rate limit allows a 1000-command pipeline.
 */
export function defineCompatSuite(label: string, connect: () => Promise<CompatTarget>, modes: readonly ClientMode[] = CLIENT_MODES): void {
  describe(`@upstash/redis compatibility: ${label}`, () => {
    let target: CompatTarget | undefined;
    beforeAll(async () => {
      target = await connect();
    });
    const current = (): CompatTarget => {
      if (!target) throw new Error("connect() did not finish before the tests ran");
      return target;
    };
    for (const mode of modes) {
      describe(mode.name, () => {
        const ctx = createContext(mode, current);
        for (const [name, group] of GROUPS) describe(name, () => group(ctx));
      });
    }
  });
}
