import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../../src/injector/text.ts';
import { defineProtocol, expectStream, streamAnomalies, type Protocol, type StreamCheck } from '../../../src/targets/sim/api.ts';
import { runView } from '../../../src/targets/code/view.ts';
import { simulate } from '../../../src/targets/sim/simulator.ts';

/**
 * The black-box stream checks, one anomaly class at a time: a relay made to have it, and its fixed
 * twin, which has none. The source forwards trades t1..t3 to the sink; the sink outputs each price
 * doubled. Trades t1 and t3 are for key "a", t2 for key "b".
 */
type Bug = 'none' | 'lost' | 'duplicated' | 'unexpected' | 'reordered' | 'reordered-across-keys' | 'late' | 'stale' | 'versioned';
type Trade = { id: string; key: string; price: number };

const trades: Trade[] = [
  { id: 't1', key: 'a', price: 1 },
  { id: 't2', key: 'b', price: 2 },
  { id: 't3', key: 'a', price: 3 },
];

const relay = (bug: Bug): Protocol =>
  defineProtocol({
    name: `relay-${bug}`,
    nodes: ['source', 'sink'],
    node: (id) => {
      let held: Trade | undefined;
      let heldLate: Trade | undefined;
      let seen = 0;
      // With versions: each output says how many trades the sink had seen; the stale one reuses an old count.
      const emit = (ctx: { output(v: unknown): void }, t: Trade) =>
        ctx.output(bug === 'stale' || bug === 'versioned' ? { id: t.id, value: t.price * 2, version: bug === 'stale' && t.id === 't3' ? 0 : ++seen } : { id: t.id, value: t.price * 2 });
      return {
        onInput: (ctx, v) => ctx.send('sink', v),
        onMessage: (ctx, _from, v) => {
          if (id !== 'sink') return;
          const t = v as Trade;
          if (bug === 'lost' && t.id === 't2') return;
          if ((bug === 'reordered' && t.id === 't1') || (bug === 'reordered-across-keys' && t.id === 't1')) {
            held = t;
            return;
          }
          if (bug === 'late' && t.id === 't2') {
            heldLate = t;
            ctx.setTimer(30, 'release');
            return;
          }
          emit(ctx, t);
          if (bug === 'duplicated' && t.id === 't3') emit(ctx, t);
          if (bug === 'unexpected' && t.id === 't3') ctx.output({ id: 't9', value: 99 });
          // Held back until t3 (same key: out of order per key) or t2 (another key: out of total order only).
          if (held && ((bug === 'reordered' && t.id === 't3') || (bug === 'reordered-across-keys' && t.id === 't2'))) {
            emit(ctx, held);
            held = undefined;
          }
        },
        onTimer: (ctx) => {
          if (heldLate) emit(ctx, heldLate);
          heldLate = undefined;
        },
      };
    },
    workload: trades.map((value, i) => ({ at: 1 + 2 * i, node: 'source', value })),
    invariants: [],
    latency: [1, 1],
  });

const check = (order: StreamCheck['order']): StreamCheck => ({
  from: 'source',
  to: 'sink',
  match: (input, output) => (input as Trade).id === (output as { id: string }).id && (output as { value: number }).value === (input as Trade).price * 2,
  expected: (input) => ({ id: (input as Trade).id, value: (input as Trade).price * 2 }),
  order,
  key: (input) => (input as Trade).key,
  within: 10,
  name: (input) => `trade ${(input as Trade).id}`,
  version: (output) => (output as { version?: number }).version ?? 0,
});

const anomalies = (bug: Bug, order: StreamCheck['order'] = 'per-key', faults = '') => streamAnomalies(runView(simulate(relay(bug), { eot: 100, seed: '1', faults: parseFaults(faults), trace: true })), check(order));
const kinds = (bug: Bug, order: StreamCheck['order'] = 'per-key') => anomalies(bug, order).map((a) => a.kind);

describe('stream checks, black-box', () => {
  it('the fixed relay has no anomaly, in total order and in time', () => {
    expect(anomalies('none', 'total')).toEqual([]);
  });

  it('lost: an input that never came out, named with what was expected', () => {
    expect(anomalies('lost').map((a) => a.message)).toEqual(['lost: trade t2 (in at source @3) never came out at sink (expected {"id":"t2","value":4})']);
  });

  it('lost also when the network loses it (an omission), and the same run without it is clean', () => {
    expect(anomalies('none', 'per-key', 'omit source→sink @3').map((a) => a.kind)).toEqual(['lost']);
  });

  it('duplicated: every copy with its time', () => {
    const [a] = anomalies('duplicated');
    expect(a.kind).toBe('duplicated');
    expect(a.message).toMatch(/^duplicated: trade t3 came out 2 times at sink \(@\d+, @\d+\)$/);
    expect(a.outputs).toHaveLength(2);
  });

  it('unexpected: an output no input explains', () => {
    expect(anomalies('unexpected').map((a) => a.message)).toEqual([expect.stringMatching(/^unexpected: output \{"id":"t9","value":99\} at sink @\d+ answers no input at source$/)]);
  });

  it('reordered per key: t1 held back past t3 (both key a); the same check without order passes', () => {
    const [a] = anomalies('reordered');
    expect(a.kind).toBe('reordered');
    expect(a.message).toMatch(/^reordered \(key a\): trade t3 \(in @5\) came out @\d+, before trade t1 \(in @1, out @\d+\)$/);
    expect(a.overtaken?.value).toEqual(trades[0]);
    expect(kinds('reordered', 'none')).toEqual([]);
  });

  it('order across keys matters only for total order', () => {
    expect(kinds('reordered-across-keys', 'per-key')).toEqual([]);
    expect(kinds('reordered-across-keys', 'total')).toEqual(['reordered']);
  });

  it('late: an output past the bound, with the delay', () => {
    expect(anomalies('late').map((a) => a.message)).toEqual([expect.stringMatching(/^late: trade t2 \(in @3\) came out @\d+, \d+ after it went in \(bound 10\)$/)]);
  });

  it('stale: an output from an older version than one shown before it (same key); increasing versions pass', () => {
    expect(anomalies('stale').map((a) => a.message)).toEqual([expect.stringMatching(/^stale: trade t3 came out @\d+ from version 0, after an output @\d+ from version 1$/)]);
    expect(anomalies('versioned', 'total')).toEqual([]);
  });

  it('pairing by id (linear) finds what pairing by a match function finds', () => {
    for (const bug of ['none', 'lost', 'duplicated', 'unexpected', 'reordered', 'late'] as const) {
      const view = runView(simulate(relay(bug), { eot: 100, seed: '1', faults: [], trace: true }));
      const byId: StreamCheck = { ...check('per-key'), match: undefined, id: (v) => (v as { id: string }).id };
      expect(streamAnomalies(view, byId).map((a) => a.message), bug).toEqual(streamAnomalies(view, check('per-key')).map((a) => a.message));
    }
  });

  it('as an invariant: one violation per anomaly, the same lines', () => {
    const p = relay('duplicated');
    const view = runView(simulate(p, { eot: 100, seed: '1', faults: [], trace: true }));
    expect(expectStream(check('per-key'))(view).map((f) => (typeof f === 'string' ? f : f.message))).toEqual(streamAnomalies(view, check('per-key')).map((a) => a.message));
  });
});
