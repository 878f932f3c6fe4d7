import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { checkLinearizable, type HistoryEvent } from '../../src/targets/code/linearizable.ts';

const inv = (process: number, f: HistoryEvent['f'], value?: unknown, key?: string): HistoryEvent => ({ process, type: 'invoke', f, value, key });
const ok = (process: number, f: HistoryEvent['f'], value?: unknown, key?: string): HistoryEvent => ({ process, type: 'ok', f, value, key });
const info = (process: number, f: HistoryEvent['f'], key?: string): HistoryEvent => ({ process, type: 'info', f, key });
const fail = (process: number, f: HistoryEvent['f'], key?: string): HistoryEvent => ({ process, type: 'fail', f, key });

describe('linearizability of register histories', () => {
  it('a read overlapping a write may see either value; a read after the write completed must see it', () => {
    expect(checkLinearizable([inv(1, 'write', 1), inv(2, 'read'), ok(2, 'read', null), ok(1, 'write')]).ok).toBe(true);
    expect(checkLinearizable([inv(1, 'write', 1), inv(2, 'read'), ok(2, 'read', 1), ok(1, 'write')]).ok).toBe(true);
    const stale = [inv(1, 'write', 1), ok(1, 'write'), inv(2, 'read'), ok(2, 'read', null)];
    const r = checkLinearizable(stale);
    expect(r.ok).toBe(false);
    expect(r.failures[0].prefix).toBe(4);
    expect(r.failures[0].message).toMatch(/^not linearizable: the first 4 events/);
  });

  it('an indeterminate write may have happened or not; a failed one did not', () => {
    expect(checkLinearizable([inv(1, 'write', 1), info(1, 'write'), inv(2, 'read'), ok(2, 'read', 1)]).ok).toBe(true);
    expect(checkLinearizable([inv(1, 'write', 1), info(1, 'write'), inv(2, 'read'), ok(2, 'read', null)]).ok).toBe(true);
    expect(checkLinearizable([inv(1, 'write', 1), fail(1, 'write'), inv(2, 'read'), ok(2, 'read', 1)]).ok).toBe(false);
  });

  it('compare-and-set, and keys judged apart', () => {
    expect(checkLinearizable([inv(1, 'write', 0), ok(1, 'write'), inv(1, 'cas', [0, 5]), ok(1, 'cas'), inv(2, 'read'), ok(2, 'read', 5)]).ok).toBe(true);
    expect(checkLinearizable([inv(1, 'write', 0), ok(1, 'write'), inv(1, 'cas', [3, 5]), ok(1, 'cas')]).ok).toBe(false);
    const two = [inv(1, 'write', 1, 'x'), ok(1, 'write', undefined, 'x'), inv(2, 'read', undefined, 'y'), ok(2, 'read', null, 'y'), inv(3, 'read', undefined, 'x'), ok(3, 'read', null, 'x')];
    expect(checkLinearizable(two).failures.map((f) => f.key)).toEqual(['x']);
  });

  it('agrees with brute force on 500 generated histories, and the failing prefix is the shortest', () => {
    const rng = seedrandom('linearizable');
    let failing = 0;
    for (let c = 0; c < 500; c++) {
      const h = randomHistory(rng);
      const r = checkLinearizable(h);
      expect(r.ok, JSON.stringify(h)).toBe(bruteForce(h));
      if (!r.ok) {
        failing++;
        const p = r.failures[0].prefix;
        expect(bruteForce(h.slice(0, p)), `prefix ${p} of ${JSON.stringify(h)}`).toBe(false);
        expect(bruteForce(h.slice(0, p - 1)), `prefix ${p - 1} of ${JSON.stringify(h)}`).toBe(true);
      }
    }
    // Both verdicts are exercised.
    expect(failing).toBeGreaterThan(50);
    expect(failing).toBeLessThan(450);
  });
});

/** Up to 3 processes, 6 operations, values 0..2, on one register; some operations end in info or fail. */
function randomHistory(rng: () => number): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const open = new Map<number, HistoryEvent>();
  let state: unknown = null;
  let started = 0;
  const total = 2 + Math.floor(rng() * 5);
  while (started < total || open.size) {
    const p = Math.floor(rng() * 3);
    const pending = open.get(p);
    if (pending) {
      open.delete(p);
      const roll = rng();
      if (roll < 0.1) events.push({ process: p, type: 'info', f: pending.f });
      else if (roll < 0.15) events.push({ process: p, type: 'fail', f: pending.f });
      else if (pending.f === 'read') events.push({ process: p, type: 'ok', f: 'read', value: rng() < 0.75 ? state : Math.floor(rng() * 3) });
      else {
        if (pending.f === 'write') state = pending.value;
        events.push({ process: p, type: 'ok', f: pending.f });
      }
    } else if (started < total) {
      started++;
      const f = (['read', 'write', 'cas'] as const)[Math.floor(rng() * 3)];
      const value = f === 'read' ? undefined : f === 'write' ? Math.floor(rng() * 3) : [Math.floor(rng() * 3), Math.floor(rng() * 3)];
      const e: HistoryEvent = { process: p, type: 'invoke', f, value };
      open.set(p, e);
      events.push(e);
    }
  }
  return events;
}

/** Every order of the operations that respects real time, info operations in or out: one the register accepts. */
function bruteForce(events: readonly HistoryEvent[]): boolean {
  type Op = { f: HistoryEvent['f']; value: unknown; call: number; ret: number };
  const ops: Op[] = [];
  const open = new Map<string | number, { i: number; e: HistoryEvent }>();
  events.forEach((e, i) => {
    if (e.type === 'invoke') return void open.set(e.process, { i, e });
    const o = open.get(e.process);
    if (!o) return;
    open.delete(e.process);
    if (e.type === 'fail') return;
    if (e.type === 'info') {
      if (o.e.f !== 'read') ops.push({ f: o.e.f, value: o.e.value, call: o.i, ret: Infinity });
      return;
    }
    ops.push({ f: o.e.f, value: o.e.f === 'read' ? e.value : o.e.value, call: o.i, ret: i });
  });
  for (const { i, e } of open.values()) if (e.f !== 'read') ops.push({ f: e.f, value: e.value, call: i, ret: Infinity });
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const search = (used: boolean[], state: unknown): boolean => {
    if (ops.every((o, i) => used[i] || o.ret === Infinity)) return true;
    for (let i = 0; i < ops.length; i++) {
      if (used[i]) continue;
      // Real time: nothing unused returned before this one was called.
      if (ops.some((o, j) => !used[j] && j !== i && o.ret < ops[i].call)) continue;
      const o = ops[i];
      let next: unknown;
      if (o.f === 'read') {
        if (!same(o.value, state)) continue;
        next = state;
      } else if (o.f === 'write') next = o.value;
      else {
        const [exp, nv] = o.value as [unknown, unknown];
        if (!same(exp, state)) continue;
        next = nv;
      }
      used[i] = true;
      if (search(used, next)) return true;
      used[i] = false;
    }
    return false;
  };
  return search(ops.map(() => false), null);
}
