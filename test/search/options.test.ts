import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openTarget, search } from 'ldfi';
import { runCount } from '../../src/search/result.ts';
import { OptionError, type OptionNamer } from '../../src/model/errors.ts';
import type { RawSearchOptions } from '../../src/search/options.ts';
import { parseOutcomePattern } from '../../src/search/outcome-pattern.ts';
import { ldfi, REPO } from '../helpers/cli.ts';

const SIM = 'examples/sim/retry-broadcast.ts';
const DED = 'examples/dedalus/broadcast-naive.ded';

/** The command line's names for the options (bin/ldfi.ts), to word the library's sentence as the CLI must. */
const FLAGS: Record<string, string> = { strategy: '--strategy', seed: '--seed', seeds: '--seeds', symmetry: '--symmetry', outcome: '--outcome', randomKinds: '--fault-kinds' };
const cliName: OptionNamer = (option, value) => (value === undefined ? FLAGS[option] : `${FLAGS[option]} ${value}`);
const CONFIG: Record<string, string> = { randomKinds: 'faultKinds' };
const configName: OptionNamer = (option, value) => (value === undefined ? (CONFIG[option] ?? option) : `${CONFIG[option] ?? option}: '${value}'`);

/**
 * One rule, three doors: each row is refused by the library's `search()`, by `ldfi run` and by a
 * campaign case, with the same sentence naming the option as each door names it.
 */
const ROWS: { why: string; file: string; options: RawSearchOptions; flags: string[]; config?: Record<string, unknown> }[] = [
  // A sim protocol's nodes are code: no renaming of them can be proved harmless.
  { why: 'symmetry on a sim protocol', file: SIM, options: { symmetry: true }, flags: ['--symmetry'] },
  // Before, through the library and campaigns this ended 'no counterexample found (1 run)' on a broken protocol.
  { why: "Molly's causal baseline on a sim protocol", file: SIM, options: { strategy: 'causal' }, flags: ['--strategy', 'causal'], config: { strategy: 'causal' } },
  // Before, silently ignored on sim.
  { why: 'an outcome pattern on a sim protocol', file: SIM, options: { outcome: parseOutcomePattern('post(_, x)') }, flags: ['--outcome', 'post(_, x)'], config: { outcome: 'post(_, x)' } },
  { why: 'an outcome pattern with a strategy that attacks no outcome', file: DED, options: { strategy: 'exhaustive', outcome: parseOutcomePattern('post(_, hello)') }, flags: ['--strategy', 'exhaustive', '--outcome', 'post(_, hello)'], config: { strategy: 'exhaustive', outcome: 'post(_, hello)' } },
  { why: 'a seed sweep of a program that has no seed', file: DED, options: { seeds: ['1', '2'] }, flags: ['--seeds', '1..2'] },
  { why: 'a seed and a sweep at once', file: SIM, options: { seed: '4', seeds: ['1', '2'] }, flags: ['--seed', '4', '--seeds', '1..2'] },
];

const tmp = mkdtempSync(join(tmpdir(), 'ldfi-options-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('every option rule lives in the library: search(), ldfi run and campaigns refuse alike', () => {
  for (const row of ROWS) {
    it(row.why, async () => {
      const t = await openTarget(row.file, { eot: 4, eff: 2, seed: '1' });
      const refused = await search(t, row.options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(OptionError);
      const e = refused as OptionError;
      // The library names fields ...
      expect(e.message).not.toMatch(/--/);
      // ... the command line its flags, with the same sentence, and exit 2.
      const r = ldfi(['run', row.file, '--eot', '4', '--eff', '2', ...row.flags]);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n').filter((l) => l.startsWith('ldfi: error:'))).toEqual([`ldfi: error: ${e.say(cliName)}`]);
      if (!row.config) return;
      const dir = join(tmp, row.why.replace(/\W+/g, '-'));
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      writeFileSync(join(dir, 'ldfi.config.json'), JSON.stringify({ campaigns: [{ name: 'case', files: join(REPO, row.file), eot: 4, eff: 2, ...row.config }] }));
      const c = ldfi(['campaign', '--no-timings'], { cwd: dir });
      expect(c.code).toBe(2);
      expect(c.stderr).toContain(`ldfi: campaign case: ${e.say(configName)}`);
      expect(JSON.parse(readFileSync(join(dir, 'ldfi-reports/summary.json'), 'utf8')).cases[0].status).toBe('bad input');
    });
  }

  it('through the library, a simulated network runs the seed the result names', async () => {
    const t = await openTarget(SIM, { seed: '7' });
    const r = await search(t, { maxRuns: 3 });
    expect(r.seed).toBe('7');
    expect(r.replayCommand).toMatch(/--seed 7$/);
    await expect(search(t, { seed: '8', maxRuns: 3 })).rejects.toThrow(/seed: '8', but the target was opened with seed '7'/);
    // A sweep is a strategy the library runs: one search per seed, merged.
    const sweep = await search(t, { seeds: ['7', '8'], maxRuns: 2 });
    expect(sweep.seed).toBe('7..8');
    // A seed given as a number from JavaScript is its digits.
    expect((await search(t, { seed: 7 as unknown as string, maxRuns: 1 })).seed).toBe('7');
  });

  it('a sweep stopped by a signal is interrupted, never a proof, even when each seed is quick', async () => {
    const t = await openTarget('examples/sim/primary-backup-sync.ts', { seed: '1' });
    const stop = new AbortController();
    // Stopped at the last run of the first seed's search, which then ends as it would: the sweep must
    // see the stop between seeds (a seed's search can end without ever yielding to the event loop).
    const first = runCount(await search(t, {}));
    const r = await search(t, { seeds: ['1', '2', '3', '4'], signal: stop.signal }, { onRun: (run) => void (run.index === first && stop.abort()) });
    expect(r.status).toBe('interrupted');
    expect(r.seed).not.toBe('1..4');
  });
});
