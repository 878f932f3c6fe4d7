import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * ldfi as its users get it: `npm pack`, then installed into a fresh project (offline, from npm's
 * cache, which `npm ci` filled), used there as a command and as a library, without the repository's
 * TypeScript set-up. The build is made in a copy of the package's files, so the working copy's own
 * `dist/` (which other tests run) is never rebuilt under them.
 */
const REPO = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; files: string[]; dependencies: Record<string, string>; bin: Record<string, string>; license: string; engines: Record<string, string> };

let root: string;
let app: string;

/** A command's environment without the test suite's `ldfi-source` condition: the installed build must serve. */
function env(): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _omit, ...rest } = process.env;
  return { ...rest, NO_COLOR: '1' };
}

function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: env(), encoding: 'utf8', timeout: timeoutMs });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ldfi-pack-'));
  // The package's files (as "files" lists them) and a fresh build, in a copy.
  const stage = join(root, 'stage');
  mkdirSync(stage);
  for (const entry of pkg.files.filter((f) => f !== 'dist')) cpSync(join(REPO, entry), join(stage, entry), { recursive: true });
  copyFileSync(join(REPO, 'package.json'), join(stage, 'package.json'));
  symlinkSync(join(REPO, 'node_modules'), join(stage, 'node_modules'), 'dir');
  ok(run('node', ['bin/build.js'], stage), 'the build');
  ok(run('npm', ['pack', '--ignore-scripts', '--pack-destination', root], stage), 'npm pack');
  const tarball = `ldfi-${pkg.version}.tgz`;

  // A project with only ldfi as a dependency, locked to the versions this repository was installed
  // with, so that npm takes every package from its cache: no network.
  app = join(root, 'app');
  mkdirSync(app);
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; link?: boolean }> };
  const integrity = `sha512-${createHash('sha512').update(readFileSync(join(root, tarball))).digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: 'app', dependencies: { ldfi: `file:../${tarball}` } },
    'node_modules/ldfi': { version: pkg.version, resolved: `file:../${tarball}`, integrity, license: pkg.license, dependencies: pkg.dependencies, bin: pkg.bin, engines: pkg.engines },
  };
  for (const [path, entry] of Object.entries(lock.packages)) if (path && !entry.dev && !entry.link) packages[path] = entry;
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { ldfi: `file:../${tarball}` } }, null, 2));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages }, null, 2));
  const install = run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], app);
  if (install.status !== 0) throw new Error(`npm ci --offline in a fresh project failed (is npm's cache filled by npm ci?):\n${install.stderr}`);
}, 300_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('the packed package, installed in a fresh project', () => {
  it('ships the build with declarations, and its exports point at them', () => {
    const installed = join(app, 'node_modules', 'ldfi');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string } | string> };
    for (const [entry, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string') continue;
      expect(target.default, entry).toMatch(/^\.\/dist\/.*\.js$/);
      expect(target.types, entry).toMatch(/^\.\/dist\/.*\.d\.ts$/);
      for (const file of [target.default, target.types]) expect(readdirSync(join(installed, file, '..'))).toContain(file.split('/').pop());
    }
  });

  it('runs `npx ldfi run` on a Dedalus program: a counterexample, exit 1', () => {
    for (const f of ['broadcast-naive.ded', 'broadcast-invariants.ded']) copyFileSync(join(REPO, 'examples/dedalus', f), join(app, f));
    const r = run('npx', ['ldfi', 'run', 'broadcast-naive.ded', '--eot', '4', '--eff', '2'], app);
    expect(r.stderr).not.toMatch(/ERR_|Error:/);
    expect(r.stdout).toMatch(/^✗ 1 counterexample/m);
    expect(r.status).toBe(1);
  });

  it('runs a sim protocol written in TypeScript against `ldfi/sim`, and proves its fixed twin', () => {
    const relay = (retry: boolean) => `import { defineProtocol } from 'ldfi/sim';
export default defineProtocol({
  name: 'relay${retry ? '-retry' : ''}',
  nodes: ['a', 'b'],
  node: (id) => ({
    onInput(ctx, v) { ctx.send('b', v); ${retry ? "ctx.setTimer(3, 'again');" : ''} },
    onTimer(ctx) { ctx.send('b', 'x'); },
    onMessage(ctx, _from, v) { if (id === 'b' && !ctx.outputs?.length) ctx.output(v); },
  }),
  workload: [{ at: 1, node: 'a', value: 'x' }],
  invariants: [(run) => (run.outputs.some((o) => o.node === 'b') ? [] : ['b never got x'])],
  defaults: { eot: 10, eff: 2, crashes: 0 },
});
`;
    writeFileSync(join(app, 'relay.ts'), relay(false));
    writeFileSync(join(app, 'relay-retry.ts'), relay(true));
    const broken = run('npx', ['ldfi', 'run', 'relay.ts'], app);
    expect(broken.stdout).toMatch(/^✗ 1 counterexample/m);
    expect(broken.stdout).toMatch(/faults: +omit a→b @1/);
    expect(broken.status).toBe(1);
    const fixed = run('npx', ['ldfi', 'run', 'relay-retry.ts'], app);
    expect(fixed.stdout).toMatch(/^✓ resilient/m);
    expect(fixed.status).toBe(0);
  });

  it('runs a tcp system of real processes', () => {
    cpSync(join(REPO, 'examples/tcp/exactly-once'), join(app, 'exactly-once'), { recursive: true });
    const r = run('npx', ['ldfi', 'run', 'exactly-once/ldfi.tcp.ts', '--fault-kinds', 'restart'], app, 180_000);
    expect(r.stdout).toMatch(/^✗ 1 counterexample/m);
    expect(r.stdout).toMatch(/faults: +restart receiver @\d+\.\.\d+/);
    expect(r.status).toBe(1);
  });

  it('`ldfi check` checks a system and a protocol in a project without Node\'s types, against the shipped declarations', () => {
    if (!existsSync(join(app, 'exactly-once'))) cpSync(join(REPO, 'examples/tcp/exactly-once'), join(app, 'exactly-once'), { recursive: true });
    const system = run('npx', ['ldfi', 'check', 'exactly-once/ldfi.tcp.ts'], app);
    expect(system.stdout + system.stderr).toMatch(/no errors/);
    expect(system.status).toBe(0);
    writeFileSync(join(app, 'typo.ts'), `import { defineProtocol } from 'ldfi/sim';\nexport default defineProtocol({ name: 't', nodes: ['a'], node: () => ({ onInput(ctx) { ctx.sned('a', 1); } }), workload: [], invariants: [] });\n`);
    const typo = run('npx', ['ldfi', 'check', 'typo.ts'], app);
    expect(typo.stdout + typo.stderr).toMatch(/typo\.ts:2:\d+: .*'sned'/);
    expect(typo.stdout + typo.stderr).not.toMatch(/node_modules/);
    expect(typo.status).toBe(2);
  });

  it('is a library: `import { search } from "ldfi"` from a .mjs file, and `require` from a .cjs one', () => {
    writeFileSync(
      join(app, 'use.mjs'),
      `import { openTarget, search } from 'ldfi';
const target = await openTarget(['broadcast-naive.ded'], { eot: 4, eff: 2 });
const result = await search(target, { strategy: 'ldfi' });
console.log(result.status, result.counterexamples[0].faults.length);
`,
    );
    for (const f of ['broadcast-naive.ded', 'broadcast-invariants.ded']) copyFileSync(join(REPO, 'examples/dedalus', f), join(app, f));
    expect(ok(run('node', ['use.mjs'], app), 'use.mjs').trim()).toBe('counterexample 1');
    // CommonJS too, where Node loads ES modules with require (20.19 and later).
    const [major, minor] = process.versions.node.split('.').map(Number);
    if (major > 20 || minor >= 19) {
      writeFileSync(join(app, 'use.cjs'), `const { search, openTarget, formatFaults } = require('ldfi');\nconsole.log(typeof search, typeof openTarget, formatFaults([]));\n`);
      expect(ok(run('node', ['use.cjs'], app), 'use.cjs').trim()).toBe('function function none');
    }
  });

  it('type-checks from a strict .ts file against the declarations, and a wrong use is an error', () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] }, include: ['typed.ts'] }),
    );
    const good = `import { openTarget, search, type SearchResult } from 'ldfi';
import { defineProtocol } from 'ldfi/sim';
export const p = defineProtocol({ name: 'p', nodes: ['a'], node: () => ({}), workload: [], invariants: [] });
export async function runs(): Promise<number> {
  const r: SearchResult = await search(await openTarget(['x.ded'], { eot: 4 }), { strategy: 'ldfi' });
  return r.runs.length;
}
`;
    // The package's own TypeScript (a dependency of ldfi), as a user without one of their own has it.
    const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    writeFileSync(join(app, 'typed.ts'), good);
    const checked = run('node', [tsc, '-p', '.'], app);
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.status).toBe(0);
    writeFileSync(join(app, 'typed.ts'), good.replace('return r.runs.length;', 'return r.runs;'));
    const wrong = run('node', [tsc, '-p', '.'], app);
    expect(wrong.stdout).toMatch(/typed\.ts\(\d+,\d+\): error TS2322/);
    expect(wrong.status).not.toBe(0);
  });
});
