import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ParallelTarget } from '../../src/parallel/pool.ts';
import { formatJsonReport } from '../../src/report/json.ts';
import { search } from '../../src/search/index.ts';
import { openTarget } from '../../src/targets/index.ts';
import { REPO } from '../helpers/cli.ts';
import { freshBuild } from '../helpers/build.ts';

const require = createRequire(import.meta.url);

/** The same search with n workers: its JSON report, timings aside. */
async function report(file: string, workers: number, options: { findAll?: boolean } = {}): Promise<string> {
  const open = { files: [file], options: { negativeSupport: true, seed: '1' } };
  const inner = await openTarget(open.files, open.options);
  const t = new ParallelTarget(inner, open, workers);
  try {
    return formatJsonReport(await search(t, { seed: '1', ...options }), { timings: false });
  } finally {
    await t.close();
  }
}

describe('parallel runs (--workers)', () => {
  it('a proof is the same, run for run, with one worker or three', async () => {
    const one = await report('examples/sim/failure-detector-eventual.ts', 1);
    expect(JSON.parse(one).status).toBe('resilient');
    expect(JSON.parse(one).runs.length).toBeGreaterThan(1000);
    expect(await report('examples/sim/failure-detector-eventual.ts', 3)).toBe(one);
  });

  it('so are counterexamples, with --find-all', async () => {
    const one = await report('examples/sim/chain-replication-buggy.ts', 1, { findAll: true });
    expect(JSON.parse(one).counterexamples.length).toBeGreaterThan(0);
    expect(await report('examples/sim/chain-replication-buggy.ts', 2, { findAll: true })).toBe(one);
  });
});

describe('--workers from the command line', () => {
  // The installed command runs the build (dist/), where the workers start from compiled JavaScript:
  // built here into a folder of its own, so that no other test's command changes under it.
  const out = mkdtempSync(join(REPO, '.ldfi-tmp-build-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('gives the report of one worker, from the build and from the sources', () => {
    // The build npm ci made (prepare) when it is as new as the sources; else one made here.
    const build = freshBuild() ? join(REPO, 'dist') : out;
    if (build === out) execFileSync(process.execPath, [join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', out], { cwd: REPO });
    const reportOf = (command: string[], workers: number, env: Record<string, string> = {}) => {
      const file = join(out, `w${workers}-${Object.keys(env).length}.json`);
      const r = spawnSync(process.execPath, [...command, 'run', 'examples/sim/failure-detector-eventual.ts', '--workers', String(workers), '--seed', '1', '--json', file, '--no-timings'], { cwd: REPO, encoding: 'utf8', env: { ...process.env, ...env } });
      // A loaded machine may take long enough for progress lines (every 10 s): those aside, only the report.
      expect(r.stderr.replace(/^ldfi: status: .*\n/gm, '')).toBe(`JSON report written to ${file}\n`);
      expect(r.status).toBe(0);
      return readFileSync(file, 'utf8');
    };
    const one = reportOf([join(build, 'bin', 'ldfi.js')], 1);
    // Long enough for the pool to start (the first runs stay on the main thread).
    expect(JSON.parse(one).status).toBe('resilient');
    expect(JSON.parse(one).runs.length).toBeGreaterThan(1000);
    expect(reportOf([join(build, 'bin', 'ldfi.js')], 2)).toBe(one);
    expect(reportOf(['bin/ldfi.js'], 2, { LDFI_FROM_SOURCES: '1' })).toBe(one);
  });
});
