// `npm run directory:rebuild [-- --remote]`: rewrites the KV directory (every instance record and
// every live revocation marker, and no record of an instance D1 no longer has) from D1, the source of truth. Runs the Worker's own rebuild code
// against the bindings wrangler gives Node (local state by default, the deployed ones with --remote).
import { getPlatformProxy } from "wrangler";
import { rebuildDirectory } from "../src/services/instances";
import { createDb } from "../src/storage/db";

const remote = process.argv.includes("--remote");
const proxy = await getPlatformProxy<Env>({
  configPath: "wrangler.toml",
  persist: remote ? false : { path: ".wrangler/state/v3" },
  remoteBindings: remote,
});
try {
  const counts = await rebuildDirectory({ db: createDb(proxy.env.DB), kv: proxy.env.DIRECTORY });
  console.log(
    `Rebuilt ${counts.instances} instance record(s) and ${counts.revocations} revocation marker(s) from D1; ` +
      `deleted ${counts.removed} record(s) of instances D1 no longer has.`,
  );
} finally {
  await proxy.dispose();
}
