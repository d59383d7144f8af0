// The deployment always keeps an operator: the last one can neither step down nor close their account,
// not even when two operators act at the same moment, and a closed account is no operator. A file of
// its own: its tests change who operates the whole deployment (D1 is fresh per file).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Account, type ApiResult, api, signUp } from "../helpers/api";
import { operator } from "../helpers/operator";
import { expectFailure, expectOk } from "./envelope";

let op: Account;
beforeAll(async () => {
  op = await operator();
});

const promote = (by: Account, who: Account) => api("PUT", `/api/admin/operators/${who.userId}`, { token: by.token });
const demote = (by: Account, who: Account) => api("DELETE", `/api/admin/operators/${who.userId}`, { token: by.token });
const close = (who: Account) => api("DELETE", "/auth/me", { token: who.token, body: { current_password: who.password } });
const isOperator = async (who: Account) => expectOk(await api("GET", "/auth/me", { token: who.token })).is_operator;
/** The account as the operators' list shows it (closed accounts too). */
const listed = async (by: Account, who: Account) => {
  const rows = expectOk(await api("GET", `/api/admin/users?email=${encodeURIComponent(who.email)}`, { token: by.token }));
  return rows[0];
};
const LAST_DEMOTED = "The last operator cannot be demoted. Promote another operator first.";
const CLOSED_PROMOTED = "This account is closed: it cannot be made an operator.";
const LAST_CLOSING = "You are the deployment's last operator. Promote another operator before closing your account.";

/** After a race between the file's operator and `other`, makes the file's operator the only one again. */
async function restore(other: Account) {
  if (!(await isOperator(op))) expectOk(await promote(other, op));
  if (await isOperator(other)) expectOk(await demote(op, other));
}

const noAuditRow = async (res: ApiResult | undefined) => {
  const rows = await env.DB.prepare("SELECT id FROM operator_audit_logs WHERE request_id = ?")
    .bind(res?.headers.get("x-request-id") ?? null)
    .all();
  expect(rows.results).toEqual([]);
};

describe("the last operator", { timeout: 60_000 }, () => {
  it("six operators stepping down at once: five succeed, one gets 409 and remains the operator", async () => {
    for (let round = 0; round < 5; round++) {
      const others = await Promise.all(Array.from({ length: 5 }, () => signUp()));
      for (const other of others) expectOk(await promote(op, other));
      const all = [op, ...others];
      const results = await Promise.all(all.map((a) => demote(a, a)));
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 409]);
      const refused = results.find((r) => r.status === 409);
      expect(refused?.body.message).toBe(LAST_DEMOTED);
      await noAuditRow(refused);
      const stayer = all[results.findIndex((r) => r.status === 409)] as Account;
      for (const a of all) expect(await isOperator(a)).toBe(a === stayer);
      if (stayer !== op) await restore(stayer);
    }
  });

  it("two operators demoting each other at once: exactly one succeeds, one operator remains", async () => {
    for (let round = 0; round < 5; round++) {
      const other = await signUp();
      expectOk(await promote(op, other));
      const results = await Promise.all([demote(op, other), demote(other, op)]);
      // The loser is refused by the last-operator guard (409), or is no operator by the time the
      // route checks (403) when the winner's demotion was already done.
      const [won, lost] = results.map((r) => r.status).sort();
      expect(won).toBe(200);
      expect([403, 409]).toContain(lost);
      await noAuditRow(results.find((r) => r.status !== 200));
      expect([await isOperator(op), await isOperator(other)].filter(Boolean)).toHaveLength(1);
      await restore(other);
    }
  });

  it("a closed account is no operator: it stops being one, and the one left cannot step down", async () => {
    const other = await signUp();
    expectOk(await promote(op, other));
    expectOk(await close(other));
    expect(await listed(op, other)).toMatchObject({ is_operator: false, disabled: true });
    const res = await demote(op, op);
    expectFailure(res, 409, "conflict");
    expect(res.body.message).toBe(LAST_DEMOTED);
    expect(await isOperator(op)).toBe(true);
    // The bootstrap secret stays spent: an operator exists.
    const late = await signUp();
    expectFailure(
      await api("POST", "/api/admin/bootstrap", { token: late.token, body: { secret: env.OPERATOR_BOOTSTRAP_SECRET } }),
      403,
      "forbidden",
    );
  });

  it("a closed account cannot be made an operator (409), not even while it closes", async () => {
    const closed = await signUp();
    expectOk(await close(closed));
    const res = await promote(op, closed);
    expectFailure(res, 409, "conflict");
    expect(res.body.message).toBe(CLOSED_PROMOTED);
    await noAuditRow(res);
    expect(await listed(op, closed)).toMatchObject({ is_operator: false, disabled: true });
    // The one operator is still the last: stepping down is refused, as before.
    expectFailure(await demote(op, op), 409, "conflict");
    for (let round = 0; round < 5; round++) {
      const other = await signUp();
      const [closing, promoted] = await Promise.all([close(other), promote(op, other)]);
      expect(closing.status).toBe(200);
      expect([200, 409]).toContain(promoted.status);
      expect(await listed(op, other)).toMatchObject({ is_operator: false, disabled: true });
    }
  });

  it("cannot close their account (409) and keeps operating; with another operator they could", async () => {
    const res = await close(op);
    expectFailure(res, 409, "conflict");
    expect(res.body.message).toBe(LAST_CLOSING);
    expect(await isOperator(op)).toBe(true);
    expectOk(await api("GET", "/api/admin/organizations", { token: op.token }));
    const other = await signUp();
    expectOk(await promote(op, other));
    expectOk(await close(other));
    expect(await isOperator(op)).toBe(true);
  });

  it("an operator closing their account while the other steps down: exactly one succeeds, one operator remains", async () => {
    for (let round = 0; round < 5; round++) {
      const other = await signUp();
      expectOk(await promote(op, other));
      const [closed, demoted] = await Promise.all([close(other), demote(op, op)]);
      expect([closed.status, demoted.status].sort()).toEqual([200, 409]);
      expect(closed.status === 409 ? closed.body.message : demoted.body.message).toBe(closed.status === 409 ? LAST_CLOSING : LAST_DEMOTED);
      if (closed.status === 200) {
        expect(await isOperator(op)).toBe(true);
      } else {
        expect([await isOperator(op), await isOperator(other)]).toEqual([false, true]);
        await restore(other);
      }
    }
  });
});
