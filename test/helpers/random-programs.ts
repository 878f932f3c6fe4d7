import fc from 'fast-check';

/**
 * Small random broadcast-style protocols over nodes a, b, c: which links exist, how the origin
 * sends (once, with retries, until acknowledged), whether receivers relay (always, or once, which
 * needs negation), and whether the invariant excuses crashed nodes. Enough variety to exercise
 * persistence, messages, negation, crashes and the solver, small enough for exhaustive search.
 */
export interface RandomProtocol {
  links: [string, string][];
  send: 'once' | 'retry' | 'until-acked';
  relay: 'none' | 'always' | 'once';
  excuseCrashed: boolean;
  members: string[];
  /** delivery: every member logs the message; accuracy: the origin suspects only crashed members. */
  invariant: 'delivery' | 'accuracy';
  /** The step at which the origin suspects members that have not acknowledged. */
  timeout: number;
}

const NODES = ['a', 'b', 'c'];
const EDGES: [string, string][] = NODES.flatMap((x) => NODES.filter((y) => y !== x).map((y) => [x, y] as [string, string]));

export const randomProtocol: fc.Arbitrary<RandomProtocol> = fc.record({
  links: fc.subarray(EDGES, { minLength: 1 }),
  send: fc.constantFrom('once', 'retry', 'until-acked'),
  relay: fc.constantFrom('none', 'always', 'once'),
  excuseCrashed: fc.boolean(),
  members: fc.subarray(['b', 'c'], { minLength: 1 }),
  invariant: fc.constantFrom('delivery', 'delivery', 'accuracy'),
  timeout: fc.integer({ min: 2, max: 4 }),
});

export function protocolText(p: RandomProtocol): string {
  const lines: string[] = [
    'log(a, m)@1;',
    'bcast(a, m)@1;',
    ...p.links.map(([x, y]) => `link(${x}, ${y})@1;`),
    ...p.members.map((n) => `member(a, ${n})@1;`),
    'link(X, Y)@next :- link(X, Y);',
    'member(X, Y)@next :- member(X, Y);',
    'log(N, M)@next :- log(N, M);',
  ];
  switch (p.send) {
    case 'once':
      lines.push('log(Y, M)@async :- bcast(X, M), link(X, Y);');
      break;
    case 'retry':
      lines.push('log(Y, M)@async :- log(a, M), link(a, Y);');
      break;
    case 'until-acked':
      lines.push(
        'log(Y, M)@async :- log(a, M), link(a, Y), notin acked(a, Y, M);',
        'acked(X, Y, M)@async :- log(Y, M), link(X, Y), X == a;',
        'acked(X, Y, M)@next :- acked(X, Y, M);',
      );
      break;
  }
  switch (p.relay) {
    case 'always':
      lines.push('log(Y, M)@async :- log(X, M), link(X, Y), X != a;');
      break;
    case 'once':
      lines.push('relayed(X, M)@next :- log(X, M);', 'relayed(X, M)@next :- relayed(X, M);', 'log(Y, M)@async :- log(X, M), link(X, Y), X != a, notin relayed(X, M);');
      break;
  }
  if (p.invariant === 'delivery') {
    lines.push(
      `pre(N, M) :- log(a, M), member(a, N)${p.excuseCrashed ? ', notin crash(N, N, _)' : ''};`,
      'post(N, M) :- pre(N, M), log(N, M);',
    );
  } else {
    // Members acknowledge what they log; the origin suspects a member not heard from by the timeout.
    lines.push(
      'heard(a, N)@async :- log(N, _), member(a, N);',
      'heard(X, N)@next :- heard(X, N);',
      'clock(a, 1)@1;',
      'clock(X, T + 1)@next :- clock(X, T);',
      `suspect(a, N) :- clock(a, ${p.timeout}), member(a, N), notin heard(a, N);`,
      'suspect(X, N)@next :- suspect(X, N);',
      'pre(X, N) :- suspect(X, N);',
      'post(X, N) :- suspect(X, N), crash(X, N, _);',
    );
  }
  return lines.join('\n') + '\n';
}
