import seedrandom from 'seedrandom';
import { checkLinearizable, type HistoryEvent } from '../src/targets/code/linearizable.ts';
import type { InputRef, OutputRecord, RunView } from '../src/targets/code/outputs.ts';
import { streamAnomalies } from '../src/targets/code/streams.ts';

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
