// @ts-check
// `node bench/auth.mjs`: the measured cost of password hashing (scrypt N=2^15, r=8, p=1) inside
// workerd, as register and login latency next to a bare /health in the same run.

import { startPrivateStack } from "../scripts/stack.mjs";

const n = Number(process.env.BENCH_USERS ?? 8);
const stack = await startPrivateStack();
try {
  /** @param {() => Promise<Response>} send */
  const time = async (send) => {
    const started = performance.now();
    const res = await send();
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return performance.now() - started;
  };
  const json = { "content-type": "application/json" };
  /** @type {Record<string, number[]>} */
  const samples = { health: [], register: [], login: [] };
  for (let i = 0; i < n; i++) {
    const user = {
      email: `bench-${i}-${Date.now()}@example.test`,
      username: `bench_${i}_${Date.now()}`,
      password: "a long enough password",
    };
    samples.health?.push(await time(() => fetch(`${stack.base}/health`)));
    samples.register?.push(
      await time(() => fetch(`${stack.base}/auth/register`, { method: "POST", headers: json, body: JSON.stringify(user) })),
    );
    samples.login?.push(
      await time(() =>
        fetch(`${stack.base}/auth/login`, {
          method: "POST",
          headers: { ...json, "cf-connecting-ip": `127.0.0.${i + 2}` },
          body: JSON.stringify({ email: user.email, password: user.password }),
        }),
      ),
    );
  }
  const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const h = median(samples.health ?? []);
  for (const [name, xs] of Object.entries(samples))
    console.log(`${name.padEnd(9)} median ${median(xs).toFixed(1).padStart(7)} ms over ${xs.length}`);
  console.log(`scrypt (N=2^15, r=8, p=1) ≈ ${(median(samples.login ?? []) - h).toFixed(1)} ms per hash (login minus /health)`);
} finally {
  await stack.stop();
}
