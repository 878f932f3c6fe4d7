import fc from 'fast-check';
import type { NodeHandlers, NodeState, Protocol, SimRunView } from '../../src/targets/sim/api.ts';

/**
 * Small random protocols on the simulated network, with the shapes that make faults *create*
 * violations: retransmission on a timer until acknowledged (with or without deduplication at the
 * receiver), relays, timeouts that suspect a peer, and a bounded number of retries. Small enough for
 * exhaustive search at EFF 2–3.
 */
export interface RandomSimSpec {
  /** Which peers the origin (a) sends its input to. */
  targets: string[];
  /** Whether receivers acknowledge, and whether the origin retransmits until they do. */
  acks: boolean;
  retries: number;
  retryEvery: number;
  /** Receivers output each copy (no deduplication) or only the first. */
  dedupe: boolean;
  /** b relays what it receives to c. */
  relay: boolean;
  /** The origin suspects (outputs `suspect`) a target with no acknowledgement at the timeout. */
  timeout: number | undefined;
  latency: [number, number];
  invariant: 'exactly-once' | 'no-suspicion' | 'agreement' | 'at-most-one-output';
  /** Nodes keep their state in ctx.state (precise lineage, runs compared by state) or in closures. */
  tracked: boolean;
  /**
   * What the origin does when a connection to a target drops or comes back: suspect the target (output
   * `suspect t`, as a timeout does), send the value again, or both. Absent: no connection handlers.
   */
  connections?: 'suspect' | 'resend' | 'both';
}

export const randomSimSpec: fc.Arbitrary<RandomSimSpec> = fc.record({
  targets: fc.subarray(['b', 'c'], { minLength: 1 }),
  acks: fc.boolean(),
  retries: fc.integer({ min: 0, max: 3 }),
  retryEvery: fc.integer({ min: 2, max: 4 }),
  dedupe: fc.boolean(),
  relay: fc.boolean(),
  timeout: fc.option(fc.integer({ min: 3, max: 9 }), { nil: undefined }),
  latency: fc.constantFrom<[number, number]>([1, 1], [1, 2], [1, 3]),
  invariant: fc.constantFrom('exactly-once', 'no-suspicion', 'agreement', 'at-most-one-output'),
  tracked: fc.boolean(),
});

/** Protocols whose origin hears dropped connections: cuts of the network are more than omissions. */
export const randomCutSpec: fc.Arbitrary<RandomSimSpec> = fc.tuple(randomSimSpec, fc.constantFrom<'suspect' | 'resend' | 'both'>('suspect', 'resend', 'both')).map(([spec, connections]) => ({ ...spec, connections }));

type Msg = { kind: 'data'; v: string } | { kind: 'ack'; v: string };

/** What a node keeps: in closures, or tracked by ldfi (the same behaviour either way). */
interface Memory {
  acked: { has(k: string): boolean; add(k: string): void };
  seen: { has(k: string): boolean; add(k: string): void };
  value: { get(): string | undefined; set(v: string): void };
  retriesLeft: { get(): number; set(v: number): void };
}

function closureMemory(spec: RandomSimSpec): Memory {
  const acked = new Set<string>();
  const seen = new Set<string>();
  let value: string | undefined;
  let retriesLeft = spec.retries;
  return {
    acked: { has: (k) => acked.has(k), add: (k) => void acked.add(k) },
    seen: { has: (k) => seen.has(k), add: (k) => void seen.add(k) },
    value: { get: () => value, set: (v) => void (value = v) },
    retriesLeft: { get: () => retriesLeft, set: (v) => void (retriesLeft = v) },
  };
}

function trackedMemory(spec: RandomSimSpec, state: NodeState): Memory {
  const retries = state.register<number>('retriesLeft');
  return {
    acked: state.set('acked'),
    seen: state.set('seen'),
    value: state.register<string>('value'),
    retriesLeft: { get: () => retries.get() ?? spec.retries, set: (v) => retries.set(v) },
  };
}

export function randomSimProtocol(spec: RandomSimSpec, invariants = true): Protocol {
  const node = (id: string, state: NodeState): NodeHandlers => {
    const { acked, seen, value, retriesLeft } = spec.tracked ? trackedMemory(spec, state) : closureMemory(spec);
    return {
      onInput(ctx, v) {
        value.set(String(v));
        for (const t of spec.targets) ctx.send(t, { kind: 'data', v: String(v) });
        if (spec.acks && spec.retries > 0) ctx.setTimer(spec.retryEvery, 'retry');
        if (spec.timeout !== undefined) ctx.setTimer(spec.timeout, 'timeout');
      },
      onMessage(ctx, from, payload) {
        const m = payload as Msg;
        if (m.kind === 'ack') {
          acked.add(from);
          return;
        }
        if (spec.acks) ctx.send(from, { kind: 'ack', v: m.v });
        if (spec.dedupe && seen.has(m.v)) return;
        seen.add(m.v);
        ctx.output(m.v);
        if (spec.relay && id === 'b') ctx.send('c', { kind: 'data', v: m.v });
      },
      ...(spec.connections && id === 'a'
        ? {
            onConnectionLost(ctx, peer) {
              if (spec.connections !== 'resend' && spec.targets.includes(peer) && !acked.has(peer)) ctx.output(`suspect ${peer}`);
            },
            onConnectionRestored(ctx, peer) {
              if (spec.connections !== 'suspect' && spec.targets.includes(peer) && !acked.has(peer) && value.get() !== undefined) ctx.send(peer, { kind: 'data', v: value.get() });
            },
          }
        : {}),
      onTimer(ctx, name) {
        const missing = spec.targets.filter((t) => !acked.has(t));
        if (name === 'timeout') {
          if (spec.acks) for (const t of missing) ctx.output(`suspect ${t}`);
          return;
        }
        if (missing.length === 0 || retriesLeft.get() === 0) return;
        retriesLeft.set(retriesLeft.get() - 1);
        for (const t of missing) ctx.send(t, { kind: 'data', v: value.get() });
        ctx.setTimer(spec.retryEvery, 'retry');
      },
    };
  };
  return {
    name: `random-sim-${JSON.stringify(spec)}`,
    nodes: ['a', 'b', 'c'],
    node,
    workload: [{ at: 1, node: 'a', value: 'v' }],
    invariants: invariants ? [invariantOf(spec)] : [],
    latency: spec.latency,
  };
}

function invariantOf(spec: RandomSimSpec): (run: SimRunView) => string[] {
  const data = (run: SimRunView) => run.outputs.filter((o) => o.value === 'v');
  switch (spec.invariant) {
    case 'exactly-once':
      return (run) => ['b', 'c'].filter((n) => data(run).filter((o) => o.node === n).length > 1).map((n) => `${n} output v twice`);
    case 'no-suspicion':
      return (run) => run.outputs.filter((o) => String(o.value).startsWith('suspect') && !run.crashed.includes(String(o.value).slice(8))).map((o) => `a suspects a live node: ${o.value}`);
    case 'agreement':
      return (run) => (data(run).length === 0 ? [] : spec.targets.filter((n) => !run.crashed.includes(n) && !data(run).some((o) => o.node === n)).map((n) => `${n} never output v`));
    case 'at-most-one-output':
      return (run) => (run.outputs.filter((o) => o.node === 'c').length > 1 ? ['c output more than once'] : []);
  }
}
