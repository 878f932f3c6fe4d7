import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One thing `ldfi check` found, located in the protocol's source where it can be. */
export interface Problem {
  readonly file: string;
  /** 1-based; 0 when the problem has no place in the source. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** A warning does not make the file unusable (e.g. no invariant). */
  readonly warning?: boolean;
}

/**
 * The API sources protocols are checked against: in ldfi's own folder, also when ldfi runs from its
 * compiled copy in dist/ (the types are in the TypeScript sources).
 */
function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'ldfi') return dir;
    } catch {
      // No package.json here: look further up.
    }
    if (dirname(dir) === dir) throw new Error('ldfi check: cannot find ldfi\'s own package.json');
  }
}
const ROOT = packageRoot();
const API = join(ROOT, 'src/targets/sim/api.ts');
const TCP_API = join(ROOT, 'src/targets/tcp/api.ts');
// The declarations the package ships: what a project without Node's types checks against.
const API_DTS = join(ROOT, 'dist/src/targets/sim/api.d.ts');
const TCP_API_DTS = join(ROOT, 'dist/src/targets/tcp/api.d.ts');

/**
 * Type errors of a TypeScript protocol or system against the `ldfi/sim` and `ldfi/tcp` types (strict;
 * with literal node names, a `send` to an unknown node is one), by the TypeScript compiler in a
 * process of its own. Throws `Error` when the compiler cannot be run.
 */
export function typeCheck(file: string): Problem[] {
  const dir = mkdtempSync(join(tmpdir(), 'ldfi-check-'));
  try {
    const nodeTypes = findUp(dirname(resolve(file)), 'node_modules/@types/node') ?? findUp(dirname(API), 'node_modules/@types/node');
    // Without Node's types (a project that installed ldfi and not @types/node), ldfi's own sources
    // would not check (Buffer, streams): the shipped declarations stand for them, as a library's do.
    const dts = !nodeTypes && existsSync(API_DTS) && existsSync(TCP_API_DTS);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          lib: ['es2022'],
          module: 'esnext',
          moduleResolution: 'bundler',
          allowImportingTsExtensions: true,
          skipLibCheck: true,
          types: nodeTypes ? [nodeTypes] : [],
          paths: { 'ldfi/sim': [dts ? API_DTS : API], 'ldfi/tcp': [dts ? TCP_API_DTS : TCP_API] },
        },
        files: [resolve(file)],
      }),
    );
    const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { encoding: 'utf8', timeout: 120_000 });
    if (r.error) throw new Error(`could not run the TypeScript compiler: ${r.error.message}`);
    return parseTscOutput(r.stdout + r.stderr, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `path(line,col): error TS2345: message` lines, with their indented continuation lines, in source
 * order. An implicit `any` on a line with another error is left out: it follows from that one (a
 * misspelled handler loses its parameters' types).
 */
export function parseTscOutput(output: string, file: string): Problem[] {
  const problems: (Problem & { code: string })[] = [];
  const whole = resolve(file);
  for (const line of output.split('\n')) {
    const m = /^(.*?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (m) {
      const at = resolve(m[1]) === whole ? file : m[1];
      problems.push({ file: at, line: Number(m[2]), column: Number(m[3]), message: `${m[5]} (${m[4]})`, code: m[4] });
    } else if (line.startsWith('  ') && problems.length) {
      const last = problems[problems.length - 1];
      problems[problems.length - 1] = { ...last, message: `${last.message}\n  ${line.trim()}` };
    }
  }
  const implicitAny = (code: string) => code === 'TS7006' || code === 'TS7031';
  const causes = new Set(problems.filter((p) => !implicitAny(p.code)).map((p) => `${p.file}:${p.line}`));
  return problems
    .filter((p) => !implicitAny(p.code) || !causes.has(`${p.file}:${p.line}`))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column))
    .map(({ code: _code, ...p }) => p);
}

/**
 * A problem from an error message that may start with `file:line:column: ` (parser, compiler and
 * loader errors do); the problem is placed in `file`, at that line and column if there are some.
 */
export function problemOf(message: string, file: string): Problem {
  const located = /^(.*?):(\d+):(\d+): (.*)$/s.exec(message);
  return located ? { file, line: Number(located[2]), column: Number(located[3]), message: located[4] } : { file, line: 0, column: 0, message: message.replace(`${file}: `, '') };
}

function findUp(start: string, rel: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, rel);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
