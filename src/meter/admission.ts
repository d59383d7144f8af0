// An isolate's side of admission by lease: requests spend commands from leases the organization's
// UsageMeter granted this isolate, locally; a request awaits the meter only when its key's lease has
// run out, and a busy key's lease is renewed ahead of time in the background (waitUntil). A key whose
// leases ended with spend unreported (it went quiet) is synced by the isolate's next request of any
// key (the sweep), so its last burst reaches the usage counts and its unspent commands go back.
import { dayOf } from "../lib/time";
import type { LeaseGrant, LeaseRequest, Refusal, SpendReport, SpendSync } from "./leases";
import type { UsageMeter } from "./usage-meter";

type Lease = { id: string; budget: number; spent: number; expiresAt: number };
type Pending = { day: string; requests: number; instances: Map<string, { requests: number; commands: number }> };
type KeyState = {
  orgId: string;
  keyId: string;
  leases: Lease[];
  /** Expired leases not yet returned to the meter. */
  returns: { leaseId: string; unspent: number }[];
  /** Sent reports the meter has not acknowledged (kept with their seq, so never counted twice). */
  unacked: SpendReport[];
  pending: Pending;
  /** The sync in flight (a renewal, or the sweep's report); a request that finds no lease waits for it. */
  renewing: Promise<unknown> | null;
  lastGrant: number;
  /** Requests of this key seen in the current second (the edge's clock): busy keys get bigger leases. */
  second: { start: number; requests: number };
};

export type AdmitInput = { orgId: string; keyId: string; instanceId: string; commands: number; now: number };
export type AdmitOutcome = { ok: true; awaited: boolean } | (Refusal & { awaited: true });
export type MeterStub = DurableObjectStub<UsageMeter>;
/** An organization's meter, as a stub made for the request at hand. */
export type MeterOf = (orgId: string) => MeterStub;

const MAX_KEYS = 10_000;
/** A key with this many requests in a second is busy: its leases grow and renew ahead of time. */
const BUSY_REQUESTS_PER_SECOND = 8;
/** How often a request looks for keys whose leases ended with spend or returns unsynced. */
const SWEEP_EVERY_MS = 1_000;
/**
 * The most keys one sweep syncs (each a call to its meter in the request's waitUntil, which counts
 * against the request's subrequests); the rest wait for the next sweep.
 */
const SWEEP_MAX_SYNCS = 32;
const emptyPending = (): Pending => ({ day: "", requests: 0, instances: new Map() });

export class Admission {
  /** Random per Admission, made on first use (the global scope may not generate random values). */
  private isolate = "";
  /**
   * Numbers reports across this isolate's keys, so a key's numbers only grow, even when its state is
   * dropped and made again; the meter keeps the last applied seq per isolate and key.
   */
  private seq = 0;
  private readonly keys = new Map<string, KeyState>();
  private nextSweep = 0;

  /**
   * Admits one request of `input.commands` commands. `meterOf` yields this request's stub of an
   * organization's meter; `background` keeps a renewal or a sweep's sync running after the
   * response (waitUntil).
   * @throws when the meter cannot be reached and the lease has run out (the edge answers 503).
   */
  async admit(meterOf: MeterOf, input: AdmitInput, background: (work: Promise<unknown>) => void): Promise<AdmitOutcome> {
    this.sweep(meterOf, input.now, background);
    const meter = () => meterOf(input.orgId);
    const state = this.state(input.orgId, input.keyId);
    const second = Math.floor(input.now / 1000) * 1000;
    if (state.second.start !== second) state.second = { start: second, requests: 0 };
    state.second.requests += 1;
    const busy = state.second.requests >= BUSY_REQUESTS_PER_SECOND;
    this.expire(state, input.now);
    if (this.spend(state, input)) {
      const left = state.leases.reduce((n, l) => n + l.budget - l.spent, 0);
      if (busy && left < state.lastGrant / 2 && !state.renewing) {
        const renewal = this.renew(meter, state, input, 0, Math.max(2, state.lastGrant * 2), false);
        background(renewal.catch(() => {}));
      }
      return { ok: true, awaited: false };
    }
    if (state.renewing) {
      await state.renewing.catch(() => {});
      this.expire(state, input.now);
      if (this.spend(state, input)) return { ok: true, awaited: true };
    }
    // A quiet key leases exactly what it spends (usage stays exact); a busy one leases ahead.
    const want = busy ? Math.max(input.commands, state.lastGrant * 2) : input.commands;
    const grant = await this.renew(meter, state, input, input.commands, want, true);
    if (!grant.ok) return { ...grant, awaited: true };
    return { ok: true, awaited: true };
  }

  private isolateId(): string {
    this.isolate ||= crypto.randomUUID();
    return this.isolate;
  }

  /**
   * At most once per SWEEP_EVERY_MS: syncs, in the background, every key whose leases have all
   * ended with spend, returns or reports the meter has not had. A key in use syncs with its own
   * requests; one that went quiet would otherwise keep its last burst out of the usage counts, and
   * its unspent commands charged, until its next request.
   */
  private sweep(meterOf: MeterOf, now: number, background: (work: Promise<unknown>) => void): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + SWEEP_EVERY_MS;
    let syncs = 0;
    for (const state of this.keys.values()) {
      if (syncs >= SWEEP_MAX_SYNCS) break;
      if (state.renewing) continue;
      this.expire(state, now);
      if (state.leases.length > 0) continue;
      // Nothing to tell: a lease spent in full is only deleted by the meter, so it waits for the key's next sync.
      if (state.pending.requests === 0 && state.unacked.length === 0 && state.returns.every((r) => r.unspent === 0)) continue;
      const sync = this.syncOf(state, now);
      background(this.inFlight(state, sync, () => meterOf(state.orgId).sync(sync)).catch(() => {}));
      syncs += 1;
    }
  }

  private state(orgId: string, keyId: string): KeyState {
    const id = `${orgId}:${keyId}`;
    let state = this.keys.get(id);
    if (!state) {
      if (this.keys.size >= MAX_KEYS) this.keys.delete(this.keys.keys().next().value as string);
      state = {
        orgId,
        keyId,
        leases: [],
        returns: [],
        unacked: [],
        pending: emptyPending(),
        renewing: null,
        lastGrant: 0,
        second: { start: 0, requests: 0 },
      };
      this.keys.set(id, state);
    }
    return state;
  }

  /** Moves expired leases to the returns (sent with the next sync). */
  private expire(state: KeyState, now: number): void {
    const live: Lease[] = [];
    for (const l of state.leases) {
      if (l.expiresAt > now) live.push(l);
      else state.returns.push({ leaseId: l.id, unspent: l.budget - l.spent });
    }
    state.leases = live;
  }

  /** Spends from the oldest live lease that can pay for the whole request, and records it for the next sync. */
  private spend(state: KeyState, input: AdmitInput): boolean {
    const lease = state.leases.find((l) => l.budget - l.spent >= input.commands);
    if (!lease) return false;
    lease.spent += input.commands;
    const day = dayOf(input.now);
    if (state.pending.day !== day) {
      this.seal(state); // a report holds one day's requests: the meter counts them on that day
      state.pending.day = day;
    }
    state.pending.requests += 1;
    const i = state.pending.instances.get(input.instanceId) ?? { requests: 0, commands: 0 };
    i.requests += 1;
    i.commands += input.commands;
    state.pending.instances.set(input.instanceId, i);
    return true;
  }

  /** Turns what the key spent since its last report into a numbered report (sent until acknowledged). */
  private seal(state: KeyState): void {
    const p = state.pending;
    if (p.requests === 0) return;
    const instances = [...p.instances].map(([instanceId, v]) => ({ instanceId, ...v }));
    state.unacked.push({ seq: ++this.seq, day: p.day, requests: p.requests, instances });
    state.pending = emptyPending();
  }

  /** What the next sync of this key tells the meter: its returns move into the sync. */
  private syncOf(state: KeyState, now: number): SpendSync {
    this.seal(state);
    return { isolateId: this.isolateId(), keyId: state.keyId, now, returns: state.returns.splice(0), reports: [...state.unacked] };
  }

  /** Drops the reports a sync carried once the meter applied it. */
  private acknowledge(state: KeyState, sync: SpendSync): void {
    const acked = sync.reports.at(-1)?.seq ?? 0;
    // By seq, not by count: several syncs may be in flight, and their answers may come in any order.
    state.unacked = state.unacked.filter((report) => report.seq > acked);
  }

  /** One sync with the meter: returns, reports, and a new lease (spent at once for `first`). */
  private renew(
    meter: () => MeterStub,
    state: KeyState,
    input: AdmitInput,
    need: number,
    want: number,
    first: boolean,
  ): Promise<LeaseGrant> {
    const request: LeaseRequest = {
      ...this.syncOf(state, input.now),
      need,
      want: Math.max(need, want),
      first: first ? { instanceId: input.instanceId, commands: input.commands } : null,
    };
    return this.inFlight(state, request, async () => {
      const grant = await meter().lease(request);
      if (grant.ok) {
        // The meter counted the first request already; it is spent here without a report.
        state.leases.push({ id: grant.leaseId, budget: grant.budget, spent: first ? input.commands : 0, expiresAt: grant.expiresAt });
        state.lastGrant = grant.budget;
      }
      return grant;
    });
  }

  /**
   * Runs `call`, one sync of the key with the meter, as the key's sync in flight (`renewing`): its
   * reports are acknowledged once it lands, and its returns go back for the next sync if it fails.
   */
  private inFlight<T>(state: KeyState, sync: SpendSync, call: () => Promise<T>): Promise<T> {
    // Declared before it runs: a call that fails at once reaches `finally` before the assignment.
    let running: Promise<T> | null = null;
    running = (async () => {
      try {
        const answer = await call();
        this.acknowledge(state, sync);
        return answer;
      } catch (error) {
        state.returns.unshift(...sync.returns);
        throw error;
      } finally {
        if (state.renewing === running) state.renewing = null;
      }
    })();
    state.renewing = running;
    return running;
  }
}
