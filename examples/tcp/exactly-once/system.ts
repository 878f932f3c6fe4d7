/** The exactly-once pair as real processes, with its deduplication table in memory or on disk (shared by both system files). */
import { defineSystem, type Invariant } from 'ldfi/tcp';

export function exactlyOnce(opts: { durable: boolean }) {
  return defineSystem({
    name: opts.durable ? 'exactly-once-durable' : 'exactly-once',
    nodes: {
      sender: { command: 'node', args: ['sender.mjs'], readyLine: 'READY' },
      receiver: { command: 'node', args: ['receiver.mjs'], env: { DURABLE: opts.durable ? '1' : '0' }, readyLine: 'READY' },
    },
    links: [['sender', 'receiver']],
    framing: 'lines',
    // Messages are "<seq> <value>" one way and "ack <seq>" the other: the sequence number traces an
    // item, so an output depends on the deliveries of its own item only.
    traceId: '^(?:ack )?(\\d+)\\b',
    ticks: true,
    workload: [
      { at: 1, node: 'sender', value: 'x' },
      { at: 2, node: 'sender', value: 'y' },
    ],
    invariants: [atMostOnce, atLeastOnce],
    defaults: { eot: 8, eff: 4, crashes: 1 },
  });
}

/** No item ever comes out twice, whatever failed. */
const atMostOnce: Invariant = (run) => {
  const times = new Map<unknown, number>();
  for (const o of run.outputs) times.set(o.value, (times.get(o.value) ?? 0) + 1);
  return [...times].filter(([, n]) => n > 1).map(([v, n]) => `item ${JSON.stringify(v)} came out ${n} times`);
};

/** Every item comes out, unless the sender failed (it keeps what it sends in memory) or the receiver crashed for good. */
const atLeastOnce: Invariant = (run) => {
  if (run.crashed.length > 0 || run.restarted.includes('sender')) return [];
  const out = new Set(run.outputs.map((o) => o.value));
  return run.inputs.filter((i) => !out.has(i.value)).map((i) => `item ${JSON.stringify(i.value)} never came out`);
};
