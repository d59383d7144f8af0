// The order test files start in. With timings from an earlier run, vitest starts the slowest files
// first; a fresh clone (CI) has none, and vitest then starts the largest files first. The upstash
// driver's compatibility suite is a small file (it imports its groups) that takes ~30 s, so it
// started last and ran alone at the end. Here the files known to take longest start first, and the
// quick unit files last, where they fill the slots the others leave. A stale list only costs time.
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Files that take 10 s or more (suites run whole, real waits, scrypt by the hundred), longest first. */
const LONGEST_FIRST = [
  "test/node/redis-driver-compat.test.ts",
  "test/node/redis-driver-direct-compat.test.ts",
  "test/upstream/upstash/compat.test.ts",
  "test/management/auth.security.test.ts",
  "test/edge/pool.test.ts",
  "test/edge/script-kill.security.test.ts",
  "test/edge/stream-limits.test.ts",
  "test/edge/upstream-auth.test.ts",
];

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const rank = (spec: TestSpecification): number => {
      const known = LONGEST_FIRST.indexOf(spec.moduleId.slice(root.length + 1));
      if (known >= 0) return known;
      return spec.project.name === "unit" ? LONGEST_FIRST.length + 1 : LONGEST_FIRST.length;
    };
    // Array.prototype.sort is stable: within a rank, vitest's own order stands.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
