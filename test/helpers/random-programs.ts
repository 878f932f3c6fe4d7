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

/**
 * Random protocols whose invariants read aggregates: the origin `a` sends to members (once, retrying
 * until acknowledged, or retrying for a while), receivers count what they got (`count`, `max`,
 * `sum`, or two aggregates in one head), and the invariant reads the count (exactly once), negates a
 * relation derived from it (`notin` over an aggregated relation), or judges a decision the origin
 * takes at a timeout from how many acknowledgements it counted. Lost messages can both remove and
 * add members to a count, so only negative support through aggregates finds every violation.
 */
export interface AggregateProtocol {
  members: string[];
  send: 'once' | 'until-acked' | 'retry';
  /** fixed: every copy carries 1 (a duplicate counts once); attempt: each copy carries its send step. */
  payload: 'fixed' | 'attempt';
  agg: 'count' | 'max' | 'sum' | 'count-max';
  invariant: 'exactly-once' | 'notin-derived' | 'notin-aggregate' | 'notin-lower' | 'timeout-abort' | 'timeout-commit';
  /** The step until which the origin retries, and at which it decides. */
  stop: number;
  excuseCrashed: boolean;
  /** revocable: a member stops counting once the origin, at its timeout, has no ack from its node. */
  filter: 'none' | 'revocable';
}

export const randomAggregateProtocol: fc.Arbitrary<AggregateProtocol> = fc.record({
  members: fc.subarray(['b', 'c'], { minLength: 1 }),
  send: fc.constantFrom('once', 'until-acked', 'retry'),
  payload: fc.constantFrom('fixed', 'attempt'),
  agg: fc.constantFrom('count', 'max', 'sum', 'count-max'),
  invariant: fc.constantFrom('exactly-once', 'notin-derived', 'notin-aggregate', 'notin-lower', 'timeout-abort', 'timeout-commit'),
  stop: fc.integer({ min: 2, max: 4 }),
  excuseCrashed: fc.boolean(),
  filter: fc.constantFrom('none', 'revocable'),
});

export function aggregateProtocolText(p: AggregateProtocol): string {
  const payload = p.payload === 'fixed' ? '1' : 'T';
  const lines: string[] = [
    'clock(a, 1)@1;',
    'clock(X, T + 1)@next :- clock(X, T);',
    ...p.members.map((n) => `member(a, ${n})@1;`),
    'member(X, Y)@next :- member(X, Y);',
    'got(N, A, K)@next :- got(N, A, K);',
    'acked(A, N)@next :- acked(A, N);',
    'acked(A, N)@async :- got(N, A, _);',
  ];
  switch (p.send) {
    case 'once':
      lines.push(`got(N, a, ${payload})@async :- clock(a, T), T == 1, member(a, N);`);
      break;
    case 'until-acked':
      lines.push(`got(N, a, ${payload})@async :- clock(a, T), T < ${p.stop}, member(a, N), notin acked(a, N);`);
      break;
    case 'retry':
      lines.push(`got(N, a, ${payload})@async :- clock(a, T), T < ${p.stop}, member(a, N);`);
      break;
  }
  // What a receiver counts; `one(N)` is the aggregate's reading of "exactly one". With revocation, a
  // notin inside the aggregate's body can take members away (a lower count that faults create).
  const counted = p.filter === 'revocable' ? ', notin revoked(N, K)' : '';
  if (p.filter === 'revocable') lines.push(`revoked(N, K) :- got(N, _, K), K > 1, member(a, N), clock(a, T), T >= ${p.stop}, notin acked(a, N);`);
  switch (p.agg) {
    case 'count':
      lines.push(`tally(N, count<K>) :- got(N, _, K)${counted};`, 'one(N) :- tally(N, 1);', 'many(N) :- tally(N, C), C > 1;');
      break;
    case 'max':
      lines.push(`tally(N, max<K>) :- got(N, _, K)${counted};`, 'one(N) :- tally(N, 1);', 'many(N) :- tally(N, M), M > 1;');
      break;
    case 'sum':
      lines.push(`tally(N, sum<K>) :- got(N, _, K)${counted};`, 'one(N) :- tally(N, 1);', 'many(N) :- tally(N, S), S > 1;');
      break;
    case 'count-max':
      lines.push(`tally(N, count<K>, max<K>) :- got(N, _, K)${counted};`, 'one(N) :- tally(N, 1, _);', 'many(N) :- tally(N, C, _), C > 1;');
      break;
  }
  const alive = p.excuseCrashed ? ', notin crash(N, N, _)' : '';
  switch (p.invariant) {
    case 'exactly-once':
      lines.push(`pre(N) :- got(N, _, _)${alive};`, 'post(N) :- one(N);');
      break;
    case 'notin-derived':
      lines.push(`pre(N) :- got(N, _, _)${alive};`, 'post(N) :- got(N, _, _), notin many(N);');
      break;
    case 'notin-aggregate':
      lines.push(
        `pre(N) :- got(N, _, _)${alive};`,
        p.agg === 'count-max' ? 'post(N) :- got(N, _, _), notin tally(N, 2, _);' : 'post(N) :- got(N, _, _), notin tally(N, 2);',
      );
      break;
    case 'notin-lower':
      // A value the aggregate reaches only by losing members (the count or max drops to 1).
      lines.push(
        `pre(N) :- got(N, _, _)${alive};`,
        p.agg === 'count-max' ? 'post(N) :- got(N, _, _), notin tally(N, 1, _);' : 'post(N) :- got(N, _, _), notin tally(N, 1);',
      );
      break;
    case 'timeout-abort':
    case 'timeout-commit':
      // At the timeout the origin commits if every member acknowledged, else aborts.
      lines.push(
        'acks(A, count<N>) :- acked(A, N);',
        'size(A, count<N>) :- member(A, N);',
        'full(A) :- acks(A, C), size(A, C);',
        `decide(a, commit) :- clock(a, ${p.stop + 1}), full(a);`,
        `decide(a, abort) :- clock(a, ${p.stop + 1}), notin full(a);`,
        'decide(X, D)@next :- decide(X, D);',
      );
      if (p.invariant === 'timeout-abort') {
        // Accuracy: an abort needs a crashed member.
        lines.push('pre(a) :- decide(a, abort);', 'post(a) :- decide(a, abort), member(a, N), crash(a, N, _);');
      } else {
        // A commit needs every member to have got the message exactly once.
        lines.push(`pre(N) :- decide(a, commit), member(a, N)${alive};`, 'post(N) :- pre(N), one(N);');
      }
      break;
  }
  return lines.join('\n') + '\n';
}
