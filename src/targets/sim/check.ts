import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUserError, UserError } from '../../model/errors.ts';
import { HANDLER_NAMES } from './api.ts';
import { SimTarget } from './target.ts';
import { TcpTarget } from '../tcp/target.ts';

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

/**
 * Static problems of a TypeScript protocol or tcp system (`*.tcp.ts`), before any run: type errors against the `ldfi/sim` types
 * (strict; with literal node names, a `send` to an unknown node is one), a protocol that does not
 * load or has the wrong shape, handler names no node can have (`onMesage`), and no invariant (a
 * warning). Throws `UserError` if the file cannot be read.
 */
export async function checkProtocolFile(file: string): Promise<Problem[]> {
  if (!existsSync(file)) throw new UserError('FILE', `cannot read protocol file ${file}: no such file`);
  const typeProblems = typeCheck(file);
  // A file that does not type-check may still load (types are erased): shape problems are worth
  // listing too, unless it does not even parse.
  if (typeProblems.some((p) => /\(TS1\d{3}\)$/m.test(p.message))) return typeProblems;
  return [...typeProblems, ...(/\.tcp\.[mc]?[jt]s$/.test(file) ? await systemProblems(file) : await shapeProblems(file))];
}

function typeCheck(file: string): Problem[] {
  const dir = mkdtempSync(join(tmpdir(), 'ldfi-check-'));
  try {
    const nodeTypes = findUp(dirname(resolve(file)), 'node_modules/@types/node') ?? findUp(dirname(API), 'node_modules/@types/node');
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
          paths: { 'ldfi/sim': [API], 'ldfi/tcp': [TCP_API] },
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

/** `path(line,col): error TS2345: message` lines, with their indented continuation lines. */
export function parseTscOutput(output: string, file: string): Problem[] {
  const problems: Problem[] = [];
  const whole = resolve(file);
  for (const line of output.split('\n')) {
    const m = /^(.*?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (m) {
      const at = resolve(m[1]) === whole ? file : m[1];
      problems.push({ file: at, line: Number(m[2]), column: Number(m[3]), message: `${m[5]} (${m[4]})` });
    } else if (line.startsWith('  ') && problems.length) {
      const last = problems[problems.length - 1];
      problems[problems.length - 1] = { ...last, message: `${last.message}\n  ${line.trim()}` };
    }
  }
  return problems;
}

async function shapeProblems(file: string): Promise<Problem[]> {
  let target: SimTarget;
  try {
    target = await SimTarget.open(file, { seed: '1' });
  } catch (e) {
    if (!isUserError(e)) throw e;
    return [problemOf(e.message, file)];
  }
  const text = readFileSync(file, 'utf8');
  const problems: Problem[] = [];
  const known = new Set<string>(HANDLER_NAMES);
  const reported = new Set<string>();
  for (const id of target.protocol.nodes) {
    let handlers: Record<string, unknown>;
    try {
      handlers = (target.protocol.node(id) ?? {}) as unknown as Record<string, unknown>;
    } catch (e) {
      problems.push({ file, line: 0, column: 0, message: `node(${JSON.stringify(id)}) threw: ${(e as Error)?.message ?? String(e)}` });
      continue;
    }
    for (const [key, value] of Object.entries(handlers)) {
      const where = locate(text, key);
      if (!known.has(key)) {
        if (reported.has(key)) continue;
        reported.add(key);
        const near = closest(key, HANDLER_NAMES);
        problems.push({ file, ...where, message: `node ${id}: '${key}' is not a handler, so it is never called${near ? ` (did you mean ${near}?)` : ''}; handlers: ${HANDLER_NAMES.join(', ')}` });
      } else if (typeof value !== 'function') {
        problems.push({ file, ...where, message: `node ${id}: ${key} is ${value === null ? 'null' : typeof value}, not a function` });
      }
    }
  }
  if (target.invariantless) problems.push({ file, line: 0, column: 0, message: target.invariantless, warning: true });
  return problems;
}

/** A tcp system loads and has the shape `defineSystem` asks for (its processes are not started). */
async function systemProblems(file: string): Promise<Problem[]> {
  try {
    const t = await TcpTarget.open(file);
    return t.invariantless ? [{ file, line: 0, column: 0, message: t.invariantless, warning: true }] : [];
  } catch (e) {
    if (!isUserError(e)) throw e;
    return [problemOf(e.message, file)];
  }
}

/**
 * A problem from an error message that may start with `file:line:column: ` (parser, compiler and
 * loader errors do); the problem is placed in `file`, at that line and column if there are some.
 */
export function problemOf(message: string, file: string): Problem {
  const located = /^(.*?):(\d+):(\d+): (.*)$/s.exec(message);
  return located ? { file, line: Number(located[2]), column: Number(located[3]), message: located[4] } : { file, line: 0, column: 0, message: message.replace(`${file}: `, '') };
}

/** Where a handler name first appears in the source (as a property or method). */
function locate(text: string, key: string): { line: number; column: number } {
  const m = new RegExp(`\\b${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b\\s*[:(]`).exec(text);
  if (!m) return { line: 0, column: 0 };
  const before = text.slice(0, m.index).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** The handler name within two edits of `key`, if there is one (case-insensitive). */
function closest(key: string, names: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = editDistance(key.toLowerCase(), name.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

function findUp(start: string, rel: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, rel);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
