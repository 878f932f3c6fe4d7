import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../../src/injector/text.ts';
import { defineProtocol, type NodeHandlers, type NodeState, type Protocol } from '../../../src/targets/sim/api.ts';
import { simulate } from '../../../src/targets/sim/simulator.ts';
import { expandDeps, type CodeExecution } from '../../../src/targets/code/execution.ts';
import { SimTarget } from '../../../src/targets/sim/target.ts';
import { runView } from '../../../src/targets/code/view.ts';

const run = (p: Protocol, faults = '', precise = new Set(p.nodes), eot = 60) => simulate(p, { eot, seed: '1', faults: parseFaults(faults), trace: true, precise });

/** The message ids an output depends on directly (its lineage's first level), as `from→to@sentAt`. */
const causesOf = (exec: CodeExecution, node: string) => {
  const out = exec.outputs.find((o) => o.node === node)!;
  return expandDeps(out.deps).map((id) => {
    const c = exec.causes.get(id)!;
    return c.kind === 'input' ? `input@${c.ref.at}` : `${c.record.ref.from}→${c.record.ref.to}@${c.record.ref.sentAt}`;
  });
};

/** a tells b and c a value, retrying every 5 ms until each acknowledges; b and c output it once. */
const broadcast = defineProtocol({
  name: 'tracked-broadcast',
  nodes: ['a', 'b', 'c'],
  node: (id, state): NodeHandlers => {
    const value = state.register('value');
    const unacked = state.set('unacked');
    return {
      onInput(ctx, v) {
        value.set(v);
        for (const p of ['b', 'c']) unacked.add(p);
        for (const p of unacked) ctx.send(p, v);
        ctx.setTimer(5, 'retry');
      },
      onTimer(ctx) {
        for (const p of unacked) ctx.send(p, value.get());
        if (unacked.size > 0) ctx.setTimer(5, 'retry');
      },
      onMessage(ctx, from, payload) {
        if (payload === 'ack') return void unacked.delete(from);
        if (value.get() === undefined) {
          value.set(payload);
          ctx.output(payload);
        }
        ctx.send(from, 'ack');
      },
    };
  },
  workload: [{ at: 1, node: 'a', value: 'v' }],
  invariants: [],
});

describe('tracked state (ctx.state)', () => {
  it('registers, maps and sets behave as JavaScript values: insertion order, delete, size, frozen values', () => {
    let seen: unknown;
    const p = defineProtocol({
      name: 'collections',
      nodes: ['a'],
      node: (_id, state) => ({
        init(ctx) {
          const m = state.map<string, { n: number }>('m');
          m.set('x', { n: 1 });
          m.set('y', { n: 2 });
          m.delete('x');
          m.set('x', { n: 3 });
          const s = state.set<number>('s');
          s.add(2);
          s.add(1);
          s.add(2);
          const r = state.register<number[]>('r');
          r.set([1, 2]);
          let frozen = false;
          try {
            (r.get() as number[]).push(3);
          } catch {
            frozen = true;
          }
          seen = { keys: m.keys(), entries: [...m], size: m.size, set: [...s], r: r.get(), frozen, has: [s.has(1), s.has(3), m.has('y')] };
          ctx.output('done');
        },
      }),
      workload: [],
      invariants: [],
    });
    run(p);
    expect(seen).toEqual({ keys: ['y', 'x'], entries: [['y', { n: 2 }], ['x', { n: 3 }]], size: 2, set: [2, 1], r: [1, 2], frozen: true, has: [true, false, true] });
  });

  it('a restart keeps durable state and loses volatile state; a frozen value changed in place names the fix', () => {
    const counters: Protocol = defineProtocol({
      name: 'restart',
      nodes: ['a'],
      node: (_id, state) => {
        const durable = state.register<number>('durable', { durable: true });
        const volatile = state.register<number>('volatile');
        return {
          init(ctx) {
            durable.set((durable.get() ?? 0) + 1);
            volatile.set((volatile.get() ?? 0) + 1);
            ctx.output({ durable: durable.get(), volatile: volatile.get() });
          },
        };
      },
      workload: [],
      invariants: [],
    });
    expect(run(counters, 'restart a @3..5').outputs.map((o) => o.value)).toEqual([
      { durable: 1, volatile: 1 },
      { durable: 2, volatile: 1 },
    ]);
    const mutates = defineProtocol({
      name: 'mutates',
      nodes: ['a'],
      node: (_id, state) => ({
        init() {
          const log = state.register<string[]>('log');
          log.set([]);
          log.get()!.push('x');
        },
      }),
      workload: [],
      invariants: [],
    });
    expect(run(mutates).error).toMatch(/node a threw in init at t=1: .*\(values read from ctx\.state are frozen: set a new value instead\)/);
  });

  it('a send depends on its trigger and on the writes it read, not on all the node saw', () => {
    // The first copy to b is lost: b outputs the retry of t=6. Conservatively, that retry depends on
    // everything a saw before (c's acknowledgement among it); precisely, on a's input alone (the
    // retry loop read b's entry before c's).
    const precise = run(broadcast, 'omit a→b @1');
    const conservative = run(broadcast, 'omit a→b @1', new Set());
    expect(causesOf(precise, 'b')).toEqual(['a→b@6']);
    const retry = (exec: CodeExecution) => exec.messages.find((m) => m.ref.to === 'b' && m.ref.sentAt === 6)!;
    const named = (exec: CodeExecution, ids: readonly number[]) => ids.map((id) => exec.causes.get(id)).map((c) => (c!.kind === 'input' ? 'input' : `${c!.record.ref.from}→${c!.record.ref.to}`));
    expect(named(precise, expandDeps(retry(precise).deps))).toEqual(['input']);
    expect(named(conservative, expandDeps(retry(conservative).deps))).toContain('c→a');
    // An output's inputs (what invariants see) follow the same lineage.
    expect(runView(precise).outputs.find((o) => o.node === 'b')!.inputs.map((i) => i.value)).toEqual(['v']);
  });

  it('records each handler call: its trigger, the cells it read with their writers, the cells it changed', () => {
    const exec = run(broadcast);
    const calls = exec.invocations.filter((i) => i.node === 'a');
    const input = calls.find((i) => i.handler === 'onInput')!;
    expect(input.trigger).toEqual({ cause: exec.inputs[0].id });
    expect(input.writes).toEqual(['value[s]', 'unacked[sb]', 'unacked[sc]']);
    const timers = calls.filter((i) => i.handler === 'onTimer');
    expect(timers[0].trigger).toEqual({ timerOf: input.id });
    expect(timers[1].trigger).toEqual({ timerOf: timers[0].id });
    // The last timer came after both acknowledgements: it read both deletions, and did nothing.
    const last = timers[timers.length - 1];
    const deletions = calls.filter((i) => i.handler === 'onMessage' && i.writes.length > 0).map((i) => i.id);
    expect(deletions).toHaveLength(2);
    expect(last.reads.map((r) => r.writer).sort()).toEqual([...deletions].sort());
    expect(last.acted).toBe(false);
    expect(exec.invocations.every((i) => i.precise)).toBe(true);
  });

  it('a random draw depends on the draws before it at that node', () => {
    const p = defineProtocol({
      name: 'draws',
      nodes: ['a', 'b'],
      node: (id) => ({
        onInput(ctx) {
          ctx.random();
          ctx.send('b', 'first');
        },
        onMessage(ctx) {
          if (id === 'a') ctx.output(ctx.random());
        },
      }),
      workload: [{ at: 1, node: 'a', value: 1 }],
      invariants: [],
    });
    const echo = defineProtocol({ ...p, node: (id: string, state: NodeState) => ({ ...p.node(id, state), ...(id === 'b' ? { onMessage: (ctx) => ctx.send('a', 'back') } : {}) }) as NodeHandlers });
    const exec = run(echo);
    // a's output draws after the input's draw: it depends on the input, besides b's message.
    expect(causesOf(exec, 'a').sort()).toEqual(['b→a@' + exec.messages.find((m) => m.ref.from === 'b')!.ref.sentAt, 'input@1'].sort());
  });

  it('the protocol examples keep all their state through ldfi: every node is precise', async () => {
    for (const name of ['retry-broadcast', 'chain-replication', 'leader-election-fixed', 'double-halve-recovery', 'two-phase-commit', 'pipeline-exactly-once', 'failure-detector-eventual', 'primary-backup-sync']) {
      const t = await SimTarget.open(`examples/sim/${name}.ts`, { seed: '1' });
      expect([name, t.stateAudit.filter((a) => !a.precise).map((a) => a.node)]).toEqual([name, []]);
    }
  });
});
