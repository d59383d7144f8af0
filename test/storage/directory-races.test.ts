// A directory writer reads D1, then writes KV; another request may change D1 and KV in between. The
// later KV write must not leave the edge a record that D1 no longer says: a deleted instance served.
// Each test puts the other request in that gap through a KV binding that runs it ahead of the
// writer's own write.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { instanceKey } from "../../src/storage/directory";
import { api, createInstance, ORIGIN, tenant } from "../helpers/api";
import { clockedApp } from "../helpers/clocked-app";
import { onFirstWrite } from "../helpers/counting-bindings";

async function send(app: ReturnType<typeof clockedApp>, method: string, path: string, token: string, body?: unknown) {
  const headers = { origin: ORIGIN, "content-type": "application/json" };
  const res = await app.fetch(path, { method, token, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  await res.arrayBuffer();
  return res.status;
}

describe("a directory write racing a change to the same row", () => {
  it("an instance deleted after a sync read its row, and before the sync's write landed, has no record", async () => {
    const t = await tenant();
    const made = await createInstance(t.account, t.orgId);
    const path = `/api/organizations/${t.orgId}/redis-instances/${made.id}`;
    const kv = onFirstWrite(env.DIRECTORY, instanceKey(made.id), async (_method, write) => {
      // The update has read the row it is about to write: the whole deletion (D1, then KV) lands first.
      expect((await api("DELETE", path, { token: t.account.token })).status).toBe(200);
      return write();
    });
    const app = clockedApp(Date.now(), { ...env, DIRECTORY: kv });
    expect(await send(app, "PUT", path, t.account.token, { disabled: true })).toBe(200);
    expect(await env.DIRECTORY.get(instanceKey(made.id))).toBeNull();
  });
});
