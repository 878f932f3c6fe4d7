import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaErrors } from '../helpers/report-schema.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { ldfi, REPO } from '../helpers/cli.ts';

const tmp = mkdtempSync(join(tmpdir(), 'ldfi-campaign-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A project folder with a config; `program.ded` starts as the naive broadcast (broken at EFF 2). */
function project(name: string, campaigns: object[]): string {
  const dir = join(tmp, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  copyFileSync(join(REPO, 'examples/dedalus/broadcast-naive.ded'), join(dir, 'program.ded'));
  copyFileSync(join(REPO, 'examples/dedalus/broadcast-invariants.ded'), join(dir, 'broadcast-invariants.ded'));
  writeFileSync(join(dir, 'ldfi.config.json'), JSON.stringify({ campaigns }));
  return dir;
}

const run = (dir: string, args: string[] = []) => ldfi(['campaign', ...args], { cwd: dir });
const summary = (dir: string) => JSON.parse(readFileSync(join(dir, 'ldfi-reports/summary.json'), 'utf8'));

describe('ldfi campaign', () => {
  it('runs every case of a sweep, writes three reports per case and a summary, keeps counterexamples, exits 1', () => {
    const dir = project('sweep', [
      { name: 'broadcast', files: 'program.ded', eot: [3, 4], eff: 2 },
      { name: 'quiet', files: 'program.ded', eot: 4, eff: 1 },
    ]);
    const r = run(dir, ['--no-timings']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/broadcast-eot3 +3\/2\/0 +✗ counterexample/);
    expect(r.stdout).toMatch(/broadcast-eot4 +4\/2\/0 +✗ counterexample/);
    expect(r.stdout).toMatch(/quiet +4\/1\/0 +✓ resilient/);
    expect(r.stdout).toMatch(/✗ 2 cases found a counterexample\n$/);
    expect(readdirSync(join(dir, 'ldfi-reports')).sort()).toEqual(
      ['broadcast-eot3', 'broadcast-eot4', 'quiet'].flatMap((c) => [`${c}.html`, `${c}.json`, `${c}.xml`]).concat('summary.json').sort(),
    );
    for (const c of ['broadcast-eot3', 'broadcast-eot4', 'quiet']) {
      expect(schemaErrors(JSON.parse(readFileSync(join(dir, 'ldfi-reports', `${c}.json`), 'utf8'))), c).toEqual([]);
    }
    const s = summary(dir);
    expect(s.verdict).toBe('counterexample');
    expect(s.cases.map((c: { name: string; status: string }) => `${c.name} ${c.status}`)).toEqual(['broadcast-eot3 counterexample', 'broadcast-eot4 counterexample', 'quiet resilient']);
    const corpus = readdirSync(join(dir, 'ldfi-corpus'));
    expect(corpus).toHaveLength(2);
    const entry = JSON.parse(readFileSync(join(dir, 'ldfi-corpus', corpus[0]), 'utf8'));
    expect(entry).toMatchObject({ format: 'ldfi-corpus', version: 1, files: ['program.ded'], seed: '1' });
    expect(entry.faults).toMatch(/^omit a→[bc] @1$/);
  });

  it('replays the corpus first: still failing, then fixed once the program is, then stale once the schedule no longer applies', () => {
    const dir = project('corpus', [{ name: 'broadcast', files: 'program.ded', eot: 4, eff: 2 }]);
    expect(run(dir).code).toBe(1);
    const again = run(dir);
    expect(again.stdout).toMatch(/^Corpus \(1 entry\):\n {2}✗ still failing +broadcast: omit a→[bc] @1 \(/);
    expect(again.code).toBe(1);
    // Fixed: the program now retries; the entry passes, and the search proves the campaign.
    copyFileSync(join(REPO, 'examples/dedalus/broadcast-retry.ded'), join(dir, 'program.ded'));
    const fixed = run(dir);
    expect(fixed.stdout).toMatch(/✓ fixed +broadcast: omit a→[bc] @1 \(replayed on the target as it is now, changed since the entry was saved\)/);
    expect(fixed.stdout).toMatch(/✓ every case resilient within its bounds \(1\)\n$/);
    expect(fixed.code).toBe(0);
    // Stale: the program's nodes are others now, so the schedule names a node it does not have.
    writeFileSync(join(dir, 'program.ded'), readFileSync(join(dir, 'program.ded'), 'utf8').replace(/\bb\b/g, 'x'));
    const stale = run(dir);
    expect(stale.stdout).toMatch(/• stale +broadcast: omit a→[bc] @1 \(/);
    expect(summary(dir).corpus[0].verdict).toBe('stale');
  });

  it('--bail stops at the first counterexample; --only picks campaigns; a time budget is named as such', () => {
    const dir = project('options', [
      { name: 'first', files: 'program.ded', eot: 4, eff: 2 },
      { name: 'second', files: 'program.ded', eot: 4, eff: 1 },
      { name: 'slow', files: 'program.ded', eot: 4, eff: 2, strategy: 'random', maxRuns: 1000000, timeSeconds: 0.001 },
    ]);
    const bail = run(dir, ['--bail']);
    expect(bail.code).toBe(1);
    expect(bail.stdout).not.toMatch(/second/);
    expect(bail.stdout).toMatch(/• 2 cases not run \(--bail or Ctrl-C\)/);
    const only = run(dir, ['--only', 'second']);
    expect(only.code).toBe(0);
    expect(only.stdout).toMatch(/^second +4\/1\/0 +✓ resilient/m);
    const slow = run(dir, ['--only', 'slow']);
    const report = JSON.parse(readFileSync(join(dir, 'ldfi-reports/slow.json'), 'utf8'));
    if (report.status === 'budget-exhausted') expect(report.caveat).toBe('the time budget stopped the search first');
    else expect(report.status).toBe('counterexample');
    expect([0, 1]).toContain(slow.code);
  });

  it('--shard i/n splits the cases over machines, and merge-reports joins them into the unsharded verdict', () => {
    const campaigns = [
      { name: 'naive', files: 'program.ded', eot: [3, 4], eff: [1, 2] },
      { name: 'quiet', files: 'program.ded', eot: 4, eff: 1 },
    ];
    const whole = project('whole', campaigns);
    const all = run(whole, ['--no-timings']);
    const unsharded = summary(whole);
    const shards = [1, 2, 3].map((i) => {
      const dir = project(`shard${i}`, campaigns);
      const r = run(dir, ['--no-timings', '--shard', `${i}/3`]);
      return { dir, r, s: summary(dir) };
    });
    // Every case once, over the three shards.
    expect(shards.flatMap((x) => x.s.planned).sort()).toEqual([...unsharded.planned].sort());
    expect(shards.map((x) => x.s.planned.length)).toEqual([2, 2, 1]);
    const out = join(tmp, 'merged.json');
    const merged = ldfi(['merge-reports', ...shards.map((x) => join(x.dir, 'ldfi-reports/summary.json')), '--out', out]);
    expect(merged.code).toBe(all.code);
    const m = JSON.parse(readFileSync(out, 'utf8'));
    expect(m.verdict).toBe(unsharded.verdict);
    expect(m.planned).toEqual(unsharded.planned);
    expect(m.cases.map((c: { name: string; status: string }) => `${c.name} ${c.status}`)).toEqual(unsharded.cases.map((c: { name: string; status: string }) => `${c.name} ${c.status}`));
    // A missing shard is named.
    const partial = ldfi(['merge-reports', join(shards[0].dir, 'ldfi-reports/summary.json'), join(shards[2].dir, 'ldfi-reports/summary.json')]);
    expect(partial.code).toBe(2);
    expect(partial.stderr).toBe('ldfi: error: shard 2/3 missing\n');
    expect(ldfi(['campaign', '--shard', '4/3'], { cwd: whole }).stderr).toMatch(/--shard 4\/3: expected i\/n with 1 ≤ i ≤ n/);
  });

  it('the example CI config runs (its Dedalus and sim campaigns here; its tcp one in CI)', () => {
    const reports = join(REPO, 'examples/ci/ldfi-reports');
    try {
      const r = ldfi(['campaign', '--config', 'examples/ci/ldfi.config.ts', '--only', 'broadcast-retry,pipeline', '--no-timings']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/✓ every case resilient within its bounds \(3\)\n$/);
    } finally {
      rmSync(reports, { recursive: true, force: true });
    }
  });

  it('chooses the kinds searched and the longest delay per campaign, and its corpus replays them', () => {
    const register = join(REPO, 'examples/sim/replicated-register.ts');
    const dir = project('kinds', [
      { name: 'losses', files: register, faultKinds: ['omit', 'crash'] },
      { name: 'delays', files: register, faultKinds: ['delay'], maxDelay: 6 },
    ]);
    const r = run(dir, ['--no-timings']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^losses +20\/4\/0 +✓ resilient/m);
    expect(r.stdout).toMatch(/^delays +20\/4\/0 +✗ counterexample/m);
    const report = JSON.parse(readFileSync(join(dir, 'ldfi-reports/delays.json'), 'utf8'));
    expect(report.bounds).toMatchObject({ kinds: ['delay'], maxDelay: 6 });
    expect(report.counterexamples[0].faults).toMatch(/^delay p→c @1 by \d+$/);
    // The corpus entry keeps the bounds it needs: the delay replays, still failing.
    const again = run(dir, ['--no-timings']);
    expect(again.stdout).toMatch(/still failing/);
    const bad = project('bad-kinds', [{ name: 'x', files: register, faultKinds: ['omit', 'flood'] }]);
    const b = run(bad);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/campaigns\[0\]\.faultKinds must be a non-empty list of omit, crash, restart, delay, disconnect, partition/);
  });

  it('a bad config or option is exit 2 naming the file and the field, or the campaigns there are', () => {
    const dir = project('bad', [{ name: 'broadcast', files: 'program.ded', eot: [] }]);
    const r = run(dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`ldfi: error: ${join(dir, 'ldfi.config.json')}: campaigns[0].eot is an empty list\n`);
    const ok = project('only', [{ name: 'broadcast', files: 'program.ded' }]);
    const only = run(ok, ['--only', 'nope']);
    expect(only.code).toBe(2);
    expect(only.stderr).toMatch(/--only: no campaign nope in .*ldfi\.config\.json \(campaigns: broadcast\)/);
    const none = ldfi(['campaign'], { cwd: tmp });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no campaign config: none of ldfi\.config\.ts, .*ldfi\.config\.json in /);
    // A program that does not load fails its campaign (exit 2), not the others.
    const mixed = project('mixed', [
      { name: 'missing', files: 'nowhere.ded' },
      { name: 'fine', files: 'program.ded', eot: 4, eff: 1 },
    ]);
    const m = run(mixed);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/ldfi: campaign missing: cannot read .*nowhere\.ded/);
    expect(m.stdout).toMatch(/^missing +-\/-\/- +✗ bad input \(above\)/m);
    expect(m.stdout).toMatch(/^fine +4\/1\/0 +✓ resilient/m);
    expect(m.stdout).toMatch(/✗ 1 case could not run: bad input\n$/);
  });
});
