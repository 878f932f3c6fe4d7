import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../../src/model/errors.ts';
import { SimTarget } from '../../../src/targets/sim/target.ts';
import { REPO } from '../../helpers/cli.ts';
import { ms } from '../../helpers/time.ts';

const dir = mkdtempSync(join(tmpdir(), 'ldfi-simfuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The self-contained example protocols, importing ldfi/sim by path (the files are written elsewhere). */
const SOURCES = readdirSync('examples/sim')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(`examples/sim/${f}`, 'utf8'))
  .filter((s) => !s.includes("from './lib"))
  .map((s) => s.replace(/from 'ldfi\/sim'/g, `from '${REPO}src/targets/sim/api.ts'`));

describe('sim protocol fuzzing: a mutated protocol loads and runs, or is bad input — never another error', () => {
  it('150 example protocols with a character dropped or one of a few pieces inserted', async () => {
    expect(SOURCES.length).toBeGreaterThan(3);
    const counts = { loaded: 0, refused: 0 };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: SOURCES.length - 1 }), fc.nat(), fc.integer({ min: 1, max: 4 }), fc.constantFrom('', ';', '(', ')', '{', '}', 'x', '.', ',', "'", '0', 'null', 'throw 1;'), async (i, at, drop, piece) => {
        const s = SOURCES[i];
        const p = at % s.length;
        const file = join(dir, `p${n++}.ts`);
        writeFileSync(file, s.slice(0, p) + piece + s.slice(p + drop));
        try {
          const t = await SimTarget.open(file, { seed: '1' });
          t.run([], { lineage: true });
          counts.loaded++;
        } catch (e) {
          if (!isUserError(e)) throw new Error(`${file}: not a user error: ${(e as Error)?.stack ?? e}`);
          counts.refused++;
        }
      }),
      { numRuns: 150, seed: 3 },
    );
    console.log(`sim protocol fuzzing: 150 inputs, ${counts.loaded} loaded and ran, ${counts.refused} refused as bad input, 0 other errors`);
    expect(counts.loaded).toBeGreaterThan(50);
    expect(counts.refused).toBeGreaterThan(50);
  }, ms(240_000));
});
