import { QUICK_MS } from '../../../src/targets/sim/simulator.ts';
import type { RunResult } from '../../../src/model/target.ts';
import { describe, expect, it } from 'vitest';
import { parseFaults } from '../../../src/injector/text.ts';
import { defineProtocol, expectOutputs, type NodeHandlers, type Protocol } from '../../../src/targets/sim/api.ts';
import { buildSimLineage, outputKeys } from '../../../src/targets/code/lineage.ts';
import { simulate } from '../../../src/targets/sim/simulator.ts';
import { runView } from '../../../src/targets/code/view.ts';
import { SimTarget } from '../../../src/targets/sim/target.ts';

const run = (p: Protocol, faults = '', seed = '1', eot = 50) => simulate(p, { eot, seed, faults: parseFaults(faults), trace: true });

/** a forwards each input to b and c; b and c output what they get; b also pings c. */
const fanout = (narrow: boolean) =>
  defineProtocol({
    name: 'fanout',
    nodes: ['a', 'b', 'c'],
    node: (id): NodeHandlers => ({
      onInput(ctx, v, input) {
        ctx.send('b', v, narrow ? { because: [input] } : undefined);
        ctx.send('c', v, narrow ? { because: [input] } : undefined);
      },
      onMessage(ctx, from, payload, msg) {
        if (id === 'b' && from === 'a') ctx.send('c', 'ping', narrow ? { because: [] } : undefined);
        if (from === 'a') ctx.output(payload, narrow ? { because: [msg] } : undefined);
      },
    }),
    workload: [{ at: 1, node: 'a', value: 7 }],
    invariants: [],
    latency: [1, 5],
  });

describe('the simulator', () => {
  it('is deterministic for a seed and a schedule, and the seed decides delivery order', () => {
    const p = fanout(false);
    const one = run(p, 'omit a→c @1', '3');
    const two = run(p, 'omit a→c @1', '3');
    expect(JSON.stringify(two.events)).toBe(JSON.stringify(one.events));
    expect(JSON.stringify(two.audit.entries)).toBe(JSON.stringify(one.audit.entries));
    const latencies = (seed: string) => run(p, '', seed).audit.entries.filter((e) => e.kind === 'order').map((e) => e.value).join();
    const distinct = new Set(['1', '2', '3', '4', '5', '6'].map(latencies));
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('records clock reads and random draws in the audit log', () => {
    const p = defineProtocol({
      name: 'clock',
      nodes: ['a'],
      node: () => ({ init: (ctx) => ctx.output([ctx.now(), ctx.random() < 2]) }),
      workload: [],
      invariants: [],
    });
    const exec = run(p);
    expect(exec.audit.entries.map((e) => `${e.kind} ${e.by}`)).toEqual(['clock a', 'random a']);
  });

  it('lineage: by default an action depends on the causal past; `because` narrows it', () => {
    const coarse = buildSimLineage(run(fanout(false)));
    const sharp = buildSimLineage(run(fanout(true)));
    const leavesOf = (g: typeof coarse, root: string) => {
      const out = new Set<string>();
      const stack = [root];
      while (stack.length) {
        const k = stack.pop()!;
        const v = g.getNodeAttributes(k);
        if (v.kind === 'message') out.add(v.label);
        stack.push(...g.outNeighbors(k));
      }
      return [...out].sort();
    };
    // c's output: the narrow lineage needs only a→c; the default one also b→c (the ping came first or not)
    const key = 'out:c:7#1';
    expect(leavesOf(sharp, key)).toEqual(['a→c @1']);
    expect(leavesOf(coarse, key)).toContain('a→c @1');
  });

  it('a crashed node stops; messages to it are lost', () => {
    const exec = run(fanout(true), 'crash c @1');
    expect(exec.outputs.map((o) => o.node)).toEqual(['b']);
    expect(exec.messages.filter((m) => m.ref.to === 'c').every((m) => m.status === 'receiver-down')).toBe(true);
    expect(exec.crashed).toEqual(['c']);
  });

  it('a restart loses state but keeps what was persisted', () => {
    const p = defineProtocol({
      name: 'counter',
      nodes: ['a'],
      node: (): NodeHandlers => {
        let volatile = 0;
        return {
          init(ctx) {
            const saved = ctx.recover<number>('count') ?? 0;
            ctx.output({ saved, volatile });
            ctx.setTimer(2, 'tick');
          },
          onTimer(ctx) {
            volatile++;
            ctx.persist('count', volatile);
            if (ctx.now() < 8) ctx.setTimer(2, 'tick');
          },
        };
      },
      workload: [],
      invariants: [],
    });
    const exec = run(p, 'restart a @6..7');
    expect(exec.outputs.map((o) => o.value)).toEqual([{ saved: 0, volatile: 0 }, { saved: 2, volatile: 0 }]);
    expect(exec.events.filter((e) => e.e === 'down' || e.e === 'up').map((e) => `${e.e}@${e.t}`)).toEqual(['down@6', 'up@8']);
  });

  it('tells both ends when a connection drops and comes back', () => {
    const seen: string[] = [];
    const p = defineProtocol({
      name: 'conn',
      nodes: ['a', 'b'],
      node: (id) => ({
        onConnectionLost: (ctx, peer) => void seen.push(`${id} lost ${peer} @${ctx.now()}`),
        onConnectionRestored: (ctx, peer) => void seen.push(`${id} regained ${peer} @${ctx.now()}`),
      }),
      workload: [],
      invariants: [],
    });
    run(p, 'disconnect a↔b @3..5');
    expect(seen).toEqual(['a lost b @3', 'b lost a @3', 'a regained b @6', 'b regained a @6']);
  });

  it('reports a protocol that throws as a finding, with its trace', () => {
    const p = defineProtocol({
      name: 'thrower',
      nodes: ['a', 'b'],
      node: (id) => ({
        init: (ctx) => (id === 'a' ? ctx.send('b', 'x') : undefined),
        onMessage: () => {
          throw new TypeError('boom');
        },
      }),
      workload: [],
      invariants: [],
    });
    const exec = run(p);
    expect(exec.error).toMatch(/^node b threw in onMessage at t=\d: boom$/);
    expect(exec.events.at(-1)).toMatchObject({ e: 'error', node: 'b', message: 'boom' });
  });

  it('stops a protocol that never quiesces at the time bound', () => {
    const p = defineProtocol({
      name: 'chatty',
      nodes: ['a'],
      node: () => ({ init: (ctx) => ctx.setTimer(1), onTimer: (ctx) => ctx.setTimer(1) }),
      workload: [],
      invariants: [],
    });
    const exec = run(p, '', '1', 1000);
    expect(exec.stoppedAtTimeBound).toBe(true);
    expect(exec.endTime).toBe(1000);
  });
});

describe('black-box output checks', () => {
  const pipeline = (bug: 'none' | 'drop-2' | 'dup-3' | 'wrong-1') =>
    defineProtocol({
      name: 'doubler',
      nodes: ['source', 'sink'],
      node: (id) => ({
        onInput: (ctx, v, input) => ctx.send('sink', v, { because: [input] }),
        onMessage: (ctx, _from, v, msg) => {
          if (id !== 'sink') return;
          const x = v as number;
          if (bug === 'drop-2' && x === 2) return;
          ctx.output(bug === 'wrong-1' && x === 1 ? 3 : x * 2, { because: [msg] });
          if (bug === 'dup-3' && x === 3) ctx.output(6, { because: [msg] });
        },
      }),
      workload: [1, 2, 3].map((value, i) => ({ at: i + 1, node: 'source', value })),
      invariants: [expectOutputs({ from: 'source', to: 'sink', expected: (x) => (x as number) * 2 })],
    });
  const check = (bug: Parameters<typeof pipeline>[0]) => {
    const p = pipeline(bug);
    return p.invariants[0](runView(run(p)));
  };
  it('accepts 1,2,3 → 2,4,6', () => expect(check('none')).toEqual([]));
  it('names the input of a missing output', () => expect(check('drop-2')).toEqual(['input 2 (at source @2) never came out at sink (expected 4)']));
  it('names the input of a duplicated output', () => expect(check('dup-3')[0]).toMatch(/^input 3 \(at source @3\) came out 2 times at sink: 6 @\d+, 6 @\d+$/));
  it('names the input of a wrong output', () => expect(check('wrong-1')[0]).toMatch(/^input 1 \(at source @1\) came out at sink @\d+ as 3, expected 2$/));
  it('keys outputs stably by node, value and occurrence', () => expect(outputKeys(run(pipeline('dup-3'))).sort()).toEqual(['out:sink:2#1', 'out:sink:4#1', 'out:sink:6#1', 'out:sink:6#2']));
});

describe('expectOutputs is black-box: outputs are paired with inputs by what they carry', () => {
  // A doubling pipeline written without a single `because`: its default lineage ties every output
  // to every earlier input, which must not matter.
  const plain = (opts: { wrong?: boolean; match?: boolean } = {}) =>
    defineProtocol({
      name: 'plain',
      nodes: ['source', 'sink'],
      node: (id) => ({
        onInput: (ctx, v) => ctx.send('sink', v),
        onMessage: (ctx, _from, v) => {
          if (id !== 'sink') return;
          const x = v as number;
          const doubled = opts.wrong && x === 2 ? 5 : x * 2;
          ctx.output(opts.match ? { of: x, result: doubled } : doubled);
        },
      }),
      workload: [1, 2, 3].map((value, i) => ({ at: i + 1, node: 'source', value })),
      invariants: [
        opts.match
          ? expectOutputs({ from: 'source', to: 'sink', expected: (x) => (x as number) * 2, match: (input, output) => (output as { of: number }).of === input })
          : expectOutputs({ from: 'source', to: 'sink', expected: (x) => (x as number) * 2 }),
      ],
    });
  const check = (p: Protocol) => p.invariants[0](runView(run(p)));

  it('a correct pipeline passes without any because', () => expect(check(plain())).toEqual([]));

  it('a wrong answer without lineage reads as missing and unexplained, never as correct', () => {
    expect(check(plain({ wrong: true }))).toEqual([
      'input 2 (at source @2) never came out at sink (expected 4)',
      expect.stringMatching(/^output 5 at sink @\d+ answers no input at source$/),
    ]);
  });

  it('pairs by a key the user gives (match), and then a wrong value is still unpaired', () => {
    expect(check(plain({ match: true }))).toEqual([]);
  });

  it('pairs by maximum matching, so the order of arrival never matters', () => {
    // o1 answers either input, o2 only the first: pairing the first input with o1 would strand the second.
    const p = defineProtocol({
      name: 'order',
      nodes: ['a', 'z'],
      node: (id) => ({
        onInput: (ctx, v) => ctx.send('z', v),
        onMessage: (ctx, _from, v) => {
          if (id === 'z' && v === 'last') {
            ctx.output('either');
            ctx.output('first-only');
          }
        },
      }),
      workload: [
        { at: 1, node: 'a', value: 'first' },
        { at: 2, node: 'a', value: 'last' },
      ],
      invariants: [
        expectOutputs({ from: 'a', to: 'z', expected: (x) => x, match: (input, output) => output === 'either' || (output === 'first-only' && input === 'first') }),
      ],
    });
    expect(check(p)).toEqual([]);
  });
});

describe('several runs under one watchdog', () => {
  /** b loops forever if the first value is lost and the second arrives alone. */
  const fragile = defineProtocol({
    name: 'fragile',
    nodes: ['a', 'b'],
    node: (id): NodeHandlers => {
      const got: unknown[] = [];
      return {
        onInput: (ctx, v) => ctx.send('b', v),
        onMessage: (ctx, _from, v) => {
          if (id !== 'b') return;
          got.push(v);
          if (v === 2 && got.length === 1) for (;;);
          ctx.output(v);
        },
      };
    },
    workload: [
      { at: 1, node: 'a', value: 1 },
      { at: 5, node: 'a', value: 2 },
    ],
    invariants: [expectOutputs({ from: 'a', to: 'b', expected: (x) => x })],
    latency: [1, 1],
    runBudgetMs: 200,
  });

  // States on demand are functions of each run's own execution: compared by what they give.
  const plain = async (r: RunResult | Promise<RunResult>) => {
    const { statesOf, ...rest } = await r;
    return { ...rest, states: statesOf?.() };
  };

  it('runs a prefix of the schedules, each as it would run alone; a run that never returns within a budget under QUICK_MS ends the batch, final', async () => {
    const t = SimTarget.of(fragile, { seed: '1', eot: 20, eff: 10 });
    const schedules = ['none', 'omit a→b @5', 'omit a→b @1', 'none'].map((s) => parseFaults(s));
    const batch = await t.runMany(schedules, { lineage: false });
    // Its whole 200 ms budget was spent in the batch: the timeout is final, not made again.
    expect(batch).toHaveLength(3);
    for (const [i, r] of batch.slice(0, 2).entries()) expect(await plain(r)).toEqual(await plain(t.run(schedules[i], { lineage: false })));
    expect(batch[2].error).toMatch(/^node b did not return from onMessage within 200 ms \(a loop that never ends\?\) at t=6$/);
    expect(await plain((await t.runMany(schedules.slice(3), { lineage: false }))[0])).toEqual(await plain(t.run(schedules[3], { lineage: false })));
  });

  it('a run slower than QUICK_MS with a larger budget ends the batch, and is made alone next under its whole budget', async () => {
    const t = SimTarget.of({ ...fragile, runBudgetMs: QUICK_MS + 300 }, { seed: '1', eot: 20, eff: 10 });
    const schedules = ['none', 'omit a→b @1', 'none'].map((s) => parseFaults(s));
    const batch = await t.runMany(schedules, { lineage: false });
    expect(batch).toHaveLength(1);
    const slow = await t.runMany(schedules.slice(1), { lineage: false });
    expect(slow).toHaveLength(1);
    expect(slow[0].error).toMatch(new RegExp(`^node b did not return from onMessage within ${(QUICK_MS + 300).toLocaleString('en-US')} ms`));
  });
});

describe('messages at the end of time', () => {
  it('a message due after EOT is in flight, not delivered, and the listing says when it was due', async () => {
    const { executionResult } = await import('../../../src/targets/code/result.ts');
    const { spaceTimeListing } = await import('../../../src/report/spacetime.ts');
    const p = defineProtocol({
      name: 'late',
      nodes: ['a', 'b'],
      node: (id) => ({ init: (ctx) => (id === 'a' ? ctx.setTimer(9) : undefined), onTimer: (ctx) => ctx.send('b', 'late'), onMessage: (ctx, _from, v) => ctx.output(v) }),
      workload: [],
      invariants: [],
      latency: [3, 3],
    });
    const exec = simulate(p, { eot: 10, seed: '1', faults: [], trace: false });
    const r = executionResult(exec, [], [], { eot: 10, eff: 5, crashes: 0, nodes: ['a', 'b'] }, { lineage: false });
    const late = r.messages.find((m) => m.content === '"late"')!;
    expect(late.status).toBe('in-flight');
    expect(late.deliverTime).toBeGreaterThan(10);
    expect(spaceTimeListing(r.messages, []).join('\n')).toMatch(/a→b {2}"late" {2}in flight at end of time \(due @1[1-9]\)/);
    expect(r.outcomes).toEqual([]);
  });
});
