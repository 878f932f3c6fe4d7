import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/model/errors.ts';
import { compileProgram } from '../../../src/targets/dedalus/compile.ts';
import { evaluate } from '../../../src/targets/dedalus/evaluator.ts';
import { parseDedalus } from '../../../src/targets/dedalus/parser.ts';
import type { Program, Rule } from '../../../src/targets/dedalus/ast.ts';
import { ms } from '../../helpers/time.ts';

/**
 * Parser fuzzing: the example programs, mutated the ways typing goes wrong (a character dropped,
 * doubled or replaced by one of Dedalus's own, a span duplicated or moved, two lines swapped), and
 * programs built from Dedalus's tokens at random. Each must load (parse, compile, one evaluation)
 * or be refused as bad input naming file:line:column — never another error, never a hang (each
 * input is timed).
 */
const EXAMPLES = readdirSync('examples/dedalus')
  .filter((f) => f.endsWith('.ded'))
  .map((f) => readFileSync(`examples/dedalus/${f}`, 'utf8'));
const ALPHABET = [...'(),;:-@<>=!+*/_"\'{}[] \nabcXYZ019', 'notin', '@next', '@async', ':-', 'count<', 'include '];
// A hang guard per input (scaled on a slow machine), not a speed check.
const PER_INPUT_MS = ms(10_000);

type Outcome = 'loaded' | 'refused';

/** Loads a program as ldfi does (no includes: a fuzzed include names no file), or says why not. */
function load(text: string): Outcome {
  try {
    const program: Program = { rules: [], facts: [], files: ['fuzz.ded'] };
    for (const st of parseDedalus(text, 'fuzz.ded')) {
      if (st.kind === 'fact') program.facts.push(st.fact);
      else if (st.kind === 'rule') program.rules.push({ ...st.rule, index: program.rules.length } as Rule);
    }
    const cp = compileProgram(program);
    evaluate(cp, { eot: 3, nodes: ['a', 'b', 'c'], faults: [] });
    return 'loaded';
  } catch (e) {
    if (!isUserError(e)) throw new Error(`not a user error on ${JSON.stringify(text.slice(0, 300))}: ${(e as Error)?.stack ?? e}`);
    // Every refusal that points into the program names file:line:column.
    if (e.pos) expect(e.message).toMatch(/^fuzz\.ded:\d+:\d+: /);
    return 'refused';
  }
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), piece: fc.constantFrom(...ALPHABET) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('move' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 40 }), to: fc.nat() }),
  fc.record({ kind: fc.constant('swap-lines' as const), at: fc.nat(), to: fc.nat() }),
);

function mutate(text: string, ms: readonly { kind: string; at: number; n?: number; piece?: string; to?: number }[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length ? m.at % t.length : 0;
    switch (m.kind) {
      case 'drop':
        t = t.slice(0, at) + t.slice(at + (m.n ?? 1));
        break;
      case 'insert':
        t = t.slice(0, at) + m.piece + t.slice(at);
        break;
      case 'duplicate':
        t = t.slice(0, at) + t.slice(at, at + (m.n ?? 1)) + t.slice(at);
        break;
      case 'move': {
        const span = t.slice(at, at + (m.n ?? 1));
        const rest = t.slice(0, at) + t.slice(at + (m.n ?? 1));
        const to = rest.length ? (m.to ?? 0) % rest.length : 0;
        t = rest.slice(0, to) + span + rest.slice(to);
        break;
      }
      case 'swap-lines': {
        const lines = t.split('\n');
        const [i, j] = [m.at % lines.length, (m.to ?? 0) % lines.length];
        [lines[i], lines[j]] = [lines[j], lines[i]];
        t = lines.join('\n');
        break;
      }
    }
  }
  return t;
}

describe('parser fuzzing (10,000+ inputs): every input loads or is bad input naming file:line:column', () => {
  const counts = { loaded: 0, refused: 0 };
  const timed = (text: string) => {
    const t0 = performance.now();
    counts[load(text)]++;
    expect(performance.now() - t0, `took too long on ${JSON.stringify(text.slice(0, 200))}`).toBeLessThan(PER_INPUT_MS);
  };

  it('mutated example programs', () => {
    fc.assert(
      fc.property(fc.nat({ max: EXAMPLES.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (i, ms) => timed(mutate(EXAMPLES[i], ms))),
      { numRuns: 8000, seed: 20261130 },
    );
  }, ms(300_000));

  it('programs of random Dedalus tokens', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALPHABET, 'node(a,b)@1;', 'log(X,Y)', 'p(X) :- q(X);', 'pre(X) :- ', 'post(X) :- ', ', '), { maxLength: 60 }), (pieces) => timed(pieces.join(''))),
      { numRuns: 2500, seed: 7 },
    );
    // Both kinds of outcome occurred: the inputs were neither all broken nor all fine.
    expect(counts.loaded).toBeGreaterThan(100);
    expect(counts.refused).toBeGreaterThan(1000);
    console.log(`parser fuzzing: ${counts.loaded + counts.refused} inputs, ${counts.loaded} loaded, ${counts.refused} refused as bad input, 0 other errors, 0 hangs`);
  }, ms(300_000));
});
