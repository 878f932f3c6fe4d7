import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateSchedule } from '../../src/injector/faults.ts';
import { formatFaults, parseFaults } from '../../src/injector/text.ts';
import { canonicalFaults, type Fault } from '../../src/model/faults.ts';

const node = fc.constantFrom('a', 'b', 'c', 'node-1', 'x.y');
const time = fc.integer({ min: 1, max: 50 });
const pair = fc.tuple(node, node).filter(([x, y]) => x !== y);
const window = fc.tuple(time, fc.integer({ min: 0, max: 10 })).map(([s, d]) => [s, s + d] as const);

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.tuple(pair, time).map(([[from, to], t]) => ({ kind: 'omit', from, to, time: t }) as Fault),
  fc.tuple(node, time).map(([n, t]) => ({ kind: 'crash', node: n, time: t }) as Fault),
  fc.tuple(pair, window, fc.boolean()).map(([[from, to], [start, end], both]) => ({ kind: 'disconnect', from, to, both, start, end }) as Fault),
  fc.tuple(pair, time, fc.integer({ min: 1, max: 9 })).map(([[from, to], t, by]) => ({ kind: 'delay', from, to, time: t, by }) as Fault),
  fc.tuple(node, window).map(([n, [start, end]]) => ({ kind: 'restart', node: n, start, end }) as Fault),
  fc.tuple(fc.shuffledSubarray(['a', 'b', 'c', 'd'], { minLength: 2 }), fc.integer({ min: 1, max: 3 }), window).map(
    ([ns, cut, [start, end]]) => {
      const k = Math.min(cut, ns.length - 1);
      return { kind: 'partition', groups: [ns.slice(0, k).sort(), ns.slice(k).sort()], start, end } as Fault;
    },
  ),
  fc.tuple(pair, time, fc.constantFrom(500, 502, 503, 429)).map(([[from, to], t, status]) => ({ kind: 'fail', from, to, time: t, status }) as Fault),
  fc.tuple(pair, time).map(([[from, to], t]) => ({ kind: 'reset', from, to, time: t }) as Fault),
);

describe('fault schedule text form', () => {
  it('parses back to the same schedule, for every fault kind', () => {
    fc.assert(
      fc.property(fc.array(faultArb, { maxLength: 6 }), (faults) => {
        const text = formatFaults(faults);
        expect(parseFaults(text)).toEqual(canonicalFaults(faults));
        expect(formatFaults(parseFaults(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('reads the JSON form (the faultList of a JSON report) as well', () => {
    fc.assert(
      fc.property(fc.array(faultArb, { maxLength: 6 }), (faults) => {
        expect(parseFaults(JSON.stringify(faults))).toEqual(canonicalFaults(faults));
      }),
      { numRuns: 100 },
    );
    expect(() => parseFaults('[{"kind":"omit","from":"a","to":"a","time":1}]')).toThrow('a node cannot lose a message to itself');
    expect(() => parseFaults('[{"kind":"teleport"}]')).toThrow('fault 1 has no known kind');
    expect(() => parseFaults('[{"kind":"omit"')).toThrow(/not valid JSON/);
  });

  it('reads the forms users type, with ASCII arrows too', () => {
    expect(parseFaults('omit a->b @3; crash c @5; disconnect a<->b @2..4; delay a→b @3 by 5; restart c @5..9; partition {a,b}|{c} @2..6')).toEqual(
      canonicalFaults([
        { kind: 'omit', from: 'a', to: 'b', time: 3 },
        { kind: 'crash', node: 'c', time: 5 },
        { kind: 'disconnect', from: 'a', to: 'b', both: true, start: 2, end: 4 },
        { kind: 'delay', from: 'a', to: 'b', time: 3, by: 5 },
        { kind: 'restart', node: 'c', start: 5, end: 9 },
        { kind: 'partition', groups: [['a', 'b'], ['c']], start: 2, end: 6 },
      ]),
    );
    expect(parseFaults('none')).toEqual([]);
    expect(parseFaults('fail checkout->payment @3 with 503; reset payment→checkout @4')).toEqual([
      { kind: 'fail', from: 'checkout', to: 'payment', time: 3, status: 503 },
      { kind: 'reset', from: 'payment', to: 'checkout', time: 4 },
    ]);
    expect(parseFaults('[{"kind":"fail","from":"a","to":"b","time":2,"status":500}]')).toEqual([{ kind: 'fail', from: 'a', to: 'b', time: 2, status: 500 }]);
  });

  it('refuses impossible faults in a plain sentence', () => {
    expect(() => parseFaults('omit a→a @1')).toThrow('a node cannot lose a message to itself');
    expect(() => parseFaults('crash a @0')).toThrow('a time is a whole number, 1 or later (steps, virtual ms or rounds)');
    expect(() => parseFaults('restart a @5..2')).toThrow('the window ends before it starts');
    expect(() => parseFaults('partition {a,b}|{b,c} @1..2')).toThrow('b cannot be on both sides');
    expect(() => parseFaults('delay a→b @1 by 0')).toThrow('a delay is a whole number of steps, 1 or more');
    expect(() => parseFaults('omit a↔b @1')).toThrow('only disconnect takes a↔b');
    expect(() => parseFaults('explode a')).toThrow(/cannot read fault 'explode a'; expected e\.g\..*'fail a→b @3 with 503' or 'reset b→a @4'/);
    expect(() => parseFaults('fail a→b @3 with 200')).toThrow('--faults: fail a→b @3 with 200: a failed request is answered with an error status, 400 to 599');
    expect(() => parseFaults('fail a→b @3')).toThrow(/cannot read fault/);
    expect(() => parseFaults('reset a↔b @3')).toThrow('reset takes one direction');
    expect(() => parseFaults('[{"kind":"fail","from":"a","to":"b","time":2}]')).toThrow('fault 1 (fail) lacks status');
  });

  it('checks a schedule against the bounds and the target', () => {
    const bounds = { eot: 10, eff: 5, crashes: 1, nodes: ['a', 'b', 'c'] };
    expect(() => validateSchedule(parseFaults('omit a→b @5'), bounds)).toThrow(/before the end of finite failures \(EFF 5\)/);
    expect(() => validateSchedule(parseFaults('partition {a}|{b} @3..6'), bounds)).toThrow(/EFF 5/);
    expect(() => validateSchedule(parseFaults('crash a @2; restart b @3..4'), bounds)).toThrow('2 crashes but the crash budget is 1');
    expect(() => validateSchedule(parseFaults('crash a @2; crash a @3'), { ...bounds, crashes: 2 })).toThrow('a node crashes once');
    expect(() => validateSchedule(parseFaults('crash z @2'), bounds)).toThrow('z is not a node');
    expect(() => validateSchedule(parseFaults('delay a→b @2 by 3'), bounds, ['omit', 'crash'])).toThrow('this target does not support delays');
    expect(() => validateSchedule(parseFaults('fail a→b @2 with 503'), bounds, ['omit', 'crash'])).toThrow('this target does not support failed requests');
    expect(() => validateSchedule(parseFaults('reset a→b @5'), bounds)).toThrow(/EFF 5/);
    expect(validateSchedule(parseFaults('omit b→c @4; crash a @2'), bounds).map((f) => f.kind)).toEqual(['crash', 'omit']);
  });
});
