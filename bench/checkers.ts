import seedrandom from 'seedrandom';
import { checkLinearizable, type HistoryEvent } from '../src/targets/code/linearizable.ts';
import type { InputRef, OutputRecord, RunView } from '../src/targets/code/outputs.ts';
import { streamAnomalies } from '../src/targets/code/streams.ts';
import { checkModel, type StreamModel } from '../src/targets/code/model-check.ts';

/** The black-box checkers on large histories: a stream of 100,000 items, a key-value history of 10,000 operations. */
export function checkersTable(): void {
  // A stream of 100,000 items over 1,000 keys, each doubled, in order per key; one item lost and one duplicated.
  const n = 100_000;
  const inputs: InputRef[] = [];
  const outputs: OutputRecord[] = [];
  for (let i = 0; i < n; i++) {
    const value = { id: i, key: i % 1000, x: i };
    inputs.push({ kind: 'input', id: i, node: 'source', at: i, value });
    if (i === 500) continue;
    outputs.push({ node: 'sink', at: i + 3, value: { id: i, y: 2 * i }, inputs: [] });
    if (i === 700) outputs.push({ node: 'sink', at: i + 9, value: { id: i, y: 2 * i }, inputs: [] });
  }
  const run: RunView = { inputs, outputs, crashed: [], restarted: [], down: [], stoppedAtTimeBound: false, endTime: n + 10 };
  const byId = (v: unknown) => (v as { id: number }).id;
  const t0 = performance.now();
  const found = streamAnomalies(run, {
    from: 'source',
    to: 'sink',
    id: (v) => String(byId(v)),
    expected: (v) => ({ id: byId(v), y: 2 * (v as { x: number }).x }),
    order: 'per-key',
    key: (v) => String((v as { key: number }).key),
    within: 10,
  });
  const streamMs = performance.now() - t0;
  console.log(`\nStream check: ${n.toLocaleString('en-US')} inputs and outputs, per-key order, a delay bound: ${found.map((a) => a.kind).join(', ')} found in ${streamMs.toFixed(0)} ms`);

  // A reference model over two streams of 50,000 items each: prices and trades, a trade accepted
  // within a band of the last price seen. The desk met them in input-time order except where the
  // price feed lagged (every 100th trade decided before the price that went in just before it).
  const model: StreamModel<number | null> = {
    init: null,
    step: (last, item) => {
      if (item.stream === 'market') return { state: item.value as number };
      const t = item.value as { id: number; px: number };
      return { state: last, out: [{ id: t.id, ok: last !== null && Math.abs(t.px - last) <= 2 }] };
    },
  };
  const mIn: InputRef[] = [];
  const mOut: OutputRecord[] = [];
  let last: number | null = null;
  let prev: number | null = null;
  for (let i = 0; i < 50_000; i++) {
    const px = Math.floor(rng2(i) * 10);
    mIn.push({ kind: 'input', id: 2 * i, node: 'feed', at: 2 * i, value: px });
    [prev, last] = [last, px];
    const t = { id: i, px: Math.floor(rng2(i + 0.5) * 10) };
    mIn.push({ kind: 'input', id: 2 * i + 1, node: 'gateway', at: 2 * i + 1, value: t });
    const seen = i % 100 === 99 ? prev : last;
    mOut.push({ node: 'desk', at: 2 * i + 2, value: { id: i, ok: seen !== null && Math.abs(t.px - seen) <= 2 }, inputs: [] });
  }
  const mRun: RunView = { inputs: mIn, outputs: mOut, crashed: [], restarted: [], down: [], stoppedAtTimeBound: false, endTime: 100_001 };
  const t3 = performance.now();
  const mr = checkModel(mRun, { streams: { market: 'feed', trades: 'gateway' }, to: 'desk', model });
  const modelMs = performance.now() - t3;
  console.log(`Reference model over two streams: ${mIn.length.toLocaleString('en-US')} inputs, ${mOut.length.toLocaleString('en-US')} outputs, the feed lagging before every 100th trade: ${mr.explained ? 'explained' : 'NOT explained'} in ${modelMs.toFixed(0)} ms (${mr.states.toLocaleString('en-US')} search states)`);

  // A linearizable history of 10,000 operations on 100 keys by 10 processes, each taking effect at a
  // random instant between its invocation and its completion.
  const rng = seedrandom('checkers');
  const events: HistoryEvent[] = [];
  const store = new Map<string, unknown>();
  const open = new Map<number, { f: 'read' | 'write'; key: string; value: unknown; applied?: unknown }>();
  let ops = 0;
  while (ops < 10_000 || open.size) {
    const p = Math.floor(rng() * 10);
    const o = open.get(p);
    if (!o) {
      if (ops >= 10_000) continue;
      ops++;
      const key = `k${Math.floor(rng() * 100)}`;
      const f = rng() < 0.5 ? 'read' : 'write';
      const value = f === 'write' ? Math.floor(rng() * 5) : undefined;
      open.set(p, { f, key, value });
      events.push({ process: p, type: 'invoke', f, key, value });
    } else if (o.applied === undefined && rng() < 0.5) {
      o.applied = o.f === 'read' ? (store.get(o.key) ?? null) : (store.set(o.key, o.value), true);
    } else if (o.applied !== undefined) {
      open.delete(p);
      events.push({ process: p, type: 'ok', f: o.f, key: o.key, value: o.f === 'read' ? o.applied : undefined });
    }
  }
  const t1 = performance.now();
  const r = checkLinearizable(events);
  const linMs = performance.now() - t1;
  events.push({ process: 99, type: 'invoke', f: 'read', key: 'k1' }, { process: 99, type: 'ok', f: 'read', key: 'k1', value: 1234 });
  const t2 = performance.now();
  const bad = checkLinearizable(events);
  const badMs = performance.now() - t2;
  console.log(
    `Linearizability: ${ops.toLocaleString('en-US')} operations on 100 keys by 10 processes: ${r.ok ? 'linearizable' : 'not linearizable'} in ${linMs.toFixed(0)} ms; with one impossible read added: ${bad.ok ? 'linearizable (wrong!)' : `caught, shortest failing prefix ${bad.failures[0].prefix.toLocaleString('en-US')} events`} in ${badMs.toFixed(0)} ms`,
  );
}

/** A fixed pseudo-random number in [0, 1) for a position (the model bench needs no generator state). */
function rng2(x: number): number {
  const s = Math.sin(x * 12.9898 + 78.233) * 43758.5453;
  return s - Math.floor(s);
}
