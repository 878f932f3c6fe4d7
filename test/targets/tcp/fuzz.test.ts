import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/model/errors.ts';
import { openTarget } from '../../../src/index.ts';
import type { Target } from '../../../src/model/target.ts';
import { ms } from '../../helpers/time.ts';

/**
 * System file fuzzing: generated and mutated tcp systems (JSON and TypeScript) load, or are bad input
 * naming the file — never another error; runnable ones run, with faults, or are bad input.
 */
const dir = mkdtempSync(join(tmpdir(), 'ldfi-check-tcpfuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A process that is ready at once and answers nothing: runs of generated systems stay short.
writeFileSync(join(dir, 'idle.mjs'), "console.log('READY'); setInterval(() => {}, 1000);\n");

const junk = fc.jsonValue({ maxDepth: 2 });
const maybe = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 30, arbitrary: a }, { weight: 1, arbitrary: junk });
const nodeName = fc.oneof({ weight: 20, arbitrary: fc.constantFrom('a', 'b') }, { weight: 1, arbitrary: fc.string({ maxLength: 3 }) });
const nodeSpec = maybe(
  fc.record(
    {
      command: maybe(fc.oneof({ weight: 10, arbitrary: fc.constant('node') }, { weight: 1, arbitrary: fc.string({ maxLength: 3 }) })),
      args: maybe(fc.oneof({ weight: 6, arbitrary: fc.constant(['idle.mjs']) }, { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }) })),
      readyLine: maybe(fc.constantFrom('READY', 'READY', 'READY', '', 'NEVER')),
      env: maybe(fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 })),
      cwd: maybe(fc.constantFrom('.', '.', '.', 'missing')),
    },
    { requiredKeys: ['command', 'args'] },
  ),
);
const system = fc.record(
  {
    name: maybe(fc.oneof({ weight: 10, arbitrary: fc.constant('s') }, { weight: 1, arbitrary: fc.constantFrom('', ' ') })),
    nodes: maybe(fc.dictionary(nodeName, nodeSpec, { minKeys: 2, maxKeys: 3 })),
    links: maybe(fc.array(maybe(fc.oneof({ weight: 10, arbitrary: fc.constantFrom(['a', 'b'], ['b', 'a']) }, { weight: 1, arbitrary: fc.tuple(nodeName, nodeName) })), { maxLength: 2 })),
    workload: maybe(fc.array(maybe(fc.record({ at: maybe(fc.integer({ min: -1, max: 4 })), node: nodeName, value: junk }, { requiredKeys: ['at', 'node'] })), { maxLength: 3 })),
    framing: maybe(fc.oneof(fc.constantFrom('lines', 'length-prefixed', 'raw'), fc.dictionary(fc.constantFrom('a->b', 'b->a', 'a'), fc.constantFrom('lines', 'length-prefixed', 'x'), { maxKeys: 2 }))),
    traceId: maybe(fc.constantFrom('^(\\d+) ', 'traceparent', '(', '', 'x')),
    ticks: maybe(fc.boolean()),
    outputPrefix: maybe(fc.constantFrom('OUT ', '')),
    bind: maybe(fc.constantFrom('127.0.0.1', '::1', '0.0.0.0', 'localhost')),
    settleMs: maybe(fc.integer({ min: -1, max: 30 })),
    roundTimeoutMs: maybe(fc.integer({ min: -1, max: 300 })),
    readyTimeoutMs: maybe(fc.integer({ min: -1, max: 3000 })),
    defaults: maybe(fc.record({ eot: maybe(fc.integer({ min: -1, max: 20_000 })), eff: maybe(fc.integer({ min: -1, max: 5 })), crashes: maybe(fc.integer({ min: -1, max: 4 })) }, { requiredKeys: [] })),
    expectOutputs: maybe(fc.array(maybe(fc.record({ from: nodeName, to: nodeName, multiply: maybe(fc.double()), add: maybe(fc.integer()) }, { requiredKeys: ['from', 'to'] })), { maxLength: 2 })),
    invariants: fc.constant(undefined),
    extra: fc.constant(undefined),
  },
  { requiredKeys: ['name', 'nodes', 'links', 'workload'] },
);

/** Opens a system file as `ldfi run` does (bounds checked): the target, or the bad-input error. */
async function load(file: string): Promise<Target | Error> {
  try {
    return await openTarget(file);
  } catch (e) {
    if (!isUserError(e)) throw new Error(`${file}: not a user error: ${(e as Error)?.stack ?? String(e)}\n${readFileSync(file, 'utf8')}`);
    // Named by its file (a TypeScript error by its file:line:column).
    expect((e as Error).message).toContain(file);
    return e as Error;
  }
}

describe('tcp system fuzzing: a generated or mutated system loads, or is bad input naming the file', () => {
  let n = 0;

  it('2,000 generated JSON systems', async () => {
    const counts = { loaded: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(system, async (s) => {
        const file = join(dir, `g${n++}.tcp.json`);
        writeFileSync(file, JSON.stringify(s));
        const r = await load(file);
        if (r instanceof Error) counts.refused++;
        else counts.loaded++;
      }),
      { numRuns: 2000, seed: 7 },
    );
    console.log(`generated tcp systems: ${counts.loaded} loaded, ${counts.refused} bad input`);
    // Both sides are reached: the generator is not all junk, nor all valid.
    expect(counts.loaded).toBeGreaterThan(5);
    expect(counts.refused).toBeGreaterThan(1000);
  }, ms(240_000));

  it('200 TypeScript and JSON system files with a character dropped or a piece inserted', async () => {
    const ts = readFileSync('examples/tcp/double-halve/system.ts', 'utf8').replace(/from 'ldfi\/tcp'/, `from '${join(process.cwd(), 'src/targets/tcp/api.ts')}'`);
    const json = JSON.stringify({ name: 's', nodes: { a: { command: 'node', args: ['idle.mjs'], readyLine: 'READY' }, b: { command: 'node', args: ['idle.mjs'], readyLine: 'READY' } }, links: [['a', 'b']], workload: [{ at: 1, node: 'a', value: 1 }], expectOutputs: [{ from: 'a', to: 'b' }], defaults: { eot: 2, eff: 1, crashes: 0 } }, null, 1);
    const counts = { loaded: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 3 }), fc.constantFrom('', ';', '(', ')', '{', '}', '[', ']', ',', '"', '0', '-1', 'null', 'x'), async (isTs, at, drop, piece) => {
        const base = isTs ? `${ts}\nexport default doubleHalve({ recovery: false });\n` : json;
        const p = at % base.length;
        const file = join(dir, isTs ? `fuzz${n++}.tcp.ts` : `fuzz${n++}.tcp.json`);
        writeFileSync(file, base.slice(0, p) + piece + base.slice(p + drop));
        const r = await load(file);
        if (r instanceof Error) counts.refused++;
        else counts.loaded++;
      }),
      { numRuns: 200, seed: 11 },
    );
    console.log(`mutated tcp system files: ${counts.loaded} loaded, ${counts.refused} bad input`);
    expect(counts.loaded).toBeGreaterThan(20);
    expect(counts.refused).toBeGreaterThan(20);
  }, ms(240_000));

  it('15 generated systems that load also run, with and without faults, or are bad input', async () => {
    // Runnable: two idle processes and a link, the rest drawn (framing, ticks, trace ids, timeouts, workload, a process that exits).
    const runnable = fc.record({
      framing: fc.constantFrom('lines', 'length-prefixed'),
      ticks: fc.boolean(),
      traceId: fc.option(fc.constantFrom('^(\\d+) ', 'traceparent'), { nil: undefined }),
      outputPrefix: fc.option(fc.constantFrom('OUT ', ''), { nil: undefined }),
      settleMs: fc.integer({ min: 1, max: 30 }),
      roundTimeoutMs: fc.integer({ min: 40, max: 300 }),
      workload: fc.array(fc.record({ at: fc.integer({ min: 1, max: 3 }), node: fc.constantFrom('a', 'b'), value: junk }), { maxLength: 3 }),
      exits: fc.boolean(),
      eot: fc.integer({ min: 1, max: 3 }),
    });
    let ran = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(runnable, async (r) => {
        const file = join(dir, `run${n++}.tcp.json`);
        const idle = { command: 'node', args: ['idle.mjs'], readyLine: 'READY' };
        const b = r.exits ? { command: 'node', args: ['-e', 'process.exit(3)'] } : idle;
        const { exits: _exits, eot, ...rest } = r;
        writeFileSync(file, JSON.stringify({ name: 's', nodes: { a: idle, b }, links: [['a', 'b']], expectOutputs: [{ from: 'a', to: 'b' }], readyTimeoutMs: 3000, defaults: { eot, eff: 1, crashes: 1 }, ...rest }));
        const t = await load(file);
        expect(t).not.toBeInstanceOf(Error);
        for (const faults of [[], [{ kind: 'omit', from: 'a', to: 'b', time: 1 }], [{ kind: 'crash', node: 'b', time: 1 }]] as const) {
          try {
            const result = await (t as Target).run(faults, { lineage: true });
            expect(Array.isArray(result.messages)).toBe(true);
            ran++;
          } catch (e) {
            if (!isUserError(e)) throw new Error(`${file}: a run failed, not as bad input: ${(e as Error)?.stack ?? String(e)}\n${readFileSync(file, 'utf8')}`);
            refused++;
          }
        }
      }),
      { numRuns: 15, seed: 5 },
    );
    console.log(`generated tcp systems run: ${ran} runs made, ${refused} refused as bad input`);
    expect(ran).toBeGreaterThan(10);
  }, ms(360_000));
});
