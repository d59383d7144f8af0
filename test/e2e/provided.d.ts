// What the browser project's global set-up (./setup.mjs) provides to its tests.
declare module "vitest" {
  export interface ProvidedContext {
    e2e: { base: string; redisUrl: string };
  }
}

export {};
