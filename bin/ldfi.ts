/**
 * The `ldfi` command: parses options, calls src/, prints, sets the exit code.
 * Exit codes: 0 no counterexample, 1 counterexample, 2 bad input or usage, 3 internal error.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isUserError, UserError } from '../src/model/errors.ts';
import type { FaultKind } from '../src/model/faults.ts';
import { validateSchedule } from '../src/injector/faults.ts';
import { formatFaults, parseFaults } from '../src/injector/text.ts';
import { formatWhyTree } from '../src/lineage/why.ts';
import { toDot } from '../src/lineage/dot.ts';
import { errorText, search, type SearchResult } from '../src/search/index.ts';
import { DEFAULT_COMMAND } from '../src/search/options.ts';
import { formatExplanation } from '../src/report/explain.ts';
import { formatJsonReport } from '../src/report/json.ts';
import { formatJUnit } from '../src/report/junit.ts';
import { formatHtmlReport } from '../src/report/html.ts';
import { spaceTimeListing } from '../src/report/spacetime.ts';
import { formatSearchResult } from '../src/report/text.ts';
import { checkOutputPath, writeFileAtomic } from '../src/report/write.ts';
import type { Target } from '../src/model/target.ts';
import { terminalProgress } from '../src/report/progress.ts';
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { openTarget } from '../src/targets/index.ts';
import { SimTarget } from '../src/targets/sim/target.ts';
import { readTraceFile, traceFile } from '../src/targets/sim/trace-file.ts';

const EXIT = { ok: 0, counterexample: 1, usage: 2, internal: 3 } as const;
/** The largest end of time accepted: Dedalus in steps, sim in virtual ms (docs/bounds in README). */
const MAX_DEDALUS_EOT = 1000;
const MAX_SIM_EOT = 10_000_000;
// LDFI_COMMAND lets tests print replay lines they can run directly (`node bin/ldfi.js`).
const COMMAND = process.env.LDFI_COMMAND ?? DEFAULT_COMMAND;

function integer(name: string, min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}, got '${value}'`);
    return Number(value);
  };
}

const FAULT_KINDS: readonly FaultKind[] = ['omit', 'crash', 'disconnect', 'delay', 'restart', 'partition'];

function faultKinds(value: string): FaultKind[] {
  const kinds = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = kinds.find((k) => !FAULT_KINDS.includes(k as FaultKind));
  if (bad || kinds.length === 0) throw new InvalidArgumentError(`unknown fault kind '${bad ?? ''}'; choose from ${FAULT_KINDS.join(', ')}`);
  return kinds as FaultKind[];
}

function includeDir(value: string, previous: string[] | undefined): string[] {
  if (!existsSync(value) || !statSync(value).isDirectory()) throw new InvalidArgumentError(`-I ${value}: no such folder`);
  return [...(previous ?? []), value];
}

function seedText(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('a seed cannot be empty');
  return value;
}

function nodeList(value: string): string[] {
  const nodes = [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
  if (nodes.length === 0) throw new InvalidArgumentError('expected node names separated by commas, e.g. a,b,c');
  return nodes;
}

interface BoundsFlags {
  eot?: number;
  eff?: number;
  crashes?: number;
  seed?: string;
  nodes?: string[];
  negativeSupport?: boolean;
  include?: string[];
}

function withBounds(cmd: Command): Command {
  return cmd
    .addOption(new Option('--eot <n>', 'end of time: run steps 1..n, at most 1000 (Dedalus default 3; sim: virtual ms up to 10,000,000, default from the protocol or 100)').argParser(integer('--eot', 1)))
    .addOption(new Option('--eff <n>', 'end of finite failures: message loss only at send times < n, 0..EOT; 0 = crashes only, the fail-stop model (Dedalus default 2; sim default 50)').argParser(integer('--eff', 0)))
    .addOption(new Option('--crashes <n>', 'crash budget: at most n nodes crash, 0..number of nodes (default 0)').argParser(integer('--crashes', 0)))
    .addOption(new Option('--nodes <a,b,c>', 'the node set (default: every location named in the program)').argParser(nodeList))
    .addOption(new Option('-I, --include <dir>', 'Dedalus: also look for included files in dir (repeatable; after the including file\'s folder and the first file\'s)').argParser(includeDir));
}

/** The seed is decided once, here: given, or drawn and then printed with every result. */
function qualifySeed(f: { seed?: string }): string {
  return f.seed ?? String(randomBytes(4).readUInt32BE(0));
}

async function target(files: string[], f: BoundsFlags, seed: string) {
  const t = await openTarget(files, { eot: f.eot, eff: f.eff, crashes: f.crashes, nodes: f.nodes, negativeSupport: f.negativeSupport ?? true, seed, includeDirs: f.include });
  for (const w of t.warnings ?? []) process.stderr.write(`ldfi: warning: ${w}\n`);
  const maxEot = t.kind === 'dedalus' ? MAX_DEDALUS_EOT : MAX_SIM_EOT;
  if (t.bounds.eot > maxEot) {
    const unit = t.kind === 'dedalus' ? 'steps' : 'virtual ms';
    throw new UserError('BAD_OPTION', `--eot ${t.bounds.eot} is beyond the maximum of ${maxEot.toLocaleString('en-US')} ${unit}`);
  }
  // Molly's model: omissions only at send times < EFF, so EFF = EOT already allows every omission.
  if (t.bounds.eff > t.bounds.eot) {
    const eff = f.eff === undefined ? `the default EFF ${t.bounds.eff}` : `--eff ${t.bounds.eff}`;
    throw new UserError('BAD_OPTION', `${eff} is beyond --eot ${t.bounds.eot}; EFF is at most EOT (give --eff ${t.bounds.eot} or less)`);
  }
  if (t.bounds.crashes > t.bounds.nodes.length) {
    throw new UserError('BAD_OPTION', `--crashes ${t.bounds.crashes} is more than the ${t.bounds.nodes.length} nodes (${t.bounds.nodes.join(', ')})`);
  }
  return t;
}

interface RunFlags extends BoundsFlags {
  strategy: 'ldfi' | 'random' | 'exhaustive' | 'molly';
  findAll?: boolean;
  maxRuns?: number;
  seed?: string;
  json?: string;
  junit?: string;
  html?: string;
  timings: boolean;
  faultKinds: FaultKind[];
}

function searchCommand(cmd: Command): Command {
  return withBounds(cmd)
    .option('--no-negative-support', 'ignore notin subgoals in lineage (faster, but misses violations that faults create)')
    .addOption(new Option('--strategy <name>', "ldfi (lineage-driven), molly (Molly's: each run solved on its own, for comparison), random (seeded) or exhaustive").choices(['ldfi', 'molly', 'random', 'exhaustive']).default('ldfi'))
    .option('--find-all', 'keep searching after the first counterexample')
    .addOption(new Option('--max-runs <n>', 'stop after n runs (default: none; random: 1000)').argParser(integer('--max-runs', 1)))
    .addOption(new Option('--seed <seed>', 'seed of the random strategy and of simulated networks (default: drawn and printed)').argParser(seedText))
    .addOption(new Option('--fault-kinds <kinds>', 'fault kinds the random strategy draws: omit,crash,disconnect,delay,restart,partition').default(['omit', 'crash'], 'omit,crash').argParser(faultKinds))
    .option('--json <file>', 'write the JSON report (docs/report-format.md) to file')
    .option('--junit <file>', 'write a JUnit XML report to file')
    .option('--html <file>', 'write a self-contained HTML report (space-time diagrams; opens from disk, no server)')
    .option('--no-timings', 'leave wall-clock figures out of the JSON report (byte-identical reports)');
}

async function runSearch(files: string[], flags: RunFlags, cmd: Command): Promise<SearchResult> {
  for (const [option, path] of [['--json', flags.json], ['--junit', flags.junit], ['--html', flags.html]] as const) {
    if (path) checkOutputPath(option, path);
  }
  const seed = qualifySeed(flags);
  const t = await target(files, flags, seed);
  checkFaultKinds(flags, t, cmd);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nldfi: interrupted; finishing the current run and writing what was found (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const progress = terminalProgress();
  const observer = { ...progress.observer, onStart: (partial: (error: string) => SearchResult) => (inFlight = { partial, flags }) };
  try {
    const result = await search(t, {
      strategy: flags.strategy,
      seed,
      maxRuns: flags.maxRuns,
      findAll: flags.findAll,
      randomKinds: flags.faultKinds,
      signal: controller.signal,
      command: COMMAND,
    }, observer);
    inFlight = undefined;
    progress.stop();
    writeReports(result, flags);
    if (result.status === 'internal-error') process.stderr.write(`ldfi: internal error: ${result.error}\n`);
    return result;
  } finally {
    inFlight = undefined;
    progress.stop();
    process.off('SIGINT', onSigint);
  }
}

/** --fault-kinds steers the random strategy, and only towards faults the target can apply. */
function checkFaultKinds(flags: RunFlags, t: Target, cmd: Command): void {
  if (cmd.getOptionValueSource('faultKinds') !== 'cli') return;
  if (flags.strategy !== 'random') throw new UserError('BAD_OPTION', '--fault-kinds chooses what --strategy random draws; LDFI searches omissions and crashes');
  const unsupported = flags.faultKinds.filter((k) => !t.supportedFaults.includes(k));
  if (unsupported.length) {
    throw new UserError('BAD_OPTION', `--fault-kinds: a ${t.kind} target cannot apply ${unsupported.join(', ')} (it supports ${t.supportedFaults.join(', ')})`);
  }
}

function exitFor(r: SearchResult): number {
  if (r.status === 'internal-error') return EXIT.internal;
  return r.counterexamples.length > 0 ? EXIT.counterexample : EXIT.ok;
}

/** Reports the user asked for, written atomically; the same three files whatever ended the search. */
function writeReports(result: SearchResult, flags: Pick<RunFlags, 'json' | 'junit' | 'html' | 'timings'>): void {
  if (flags.json) writeFileAtomic(flags.json, formatJsonReport(result, { timings: flags.timings }));
  if (flags.junit) writeFileAtomic(flags.junit, formatJUnit(result));
  if (flags.html) writeFileAtomic(flags.html, formatHtmlReport(result));
}

/**
 * The search under way, for the last-resort handler: something that fails outside the search's own
 * promise chain (a Z3 worker, a timer, a WASM trap) still ends with exit 3 and the partial reports.
 */
let inFlight: { partial: (error: string) => SearchResult; flags: RunFlags } | undefined;
/** Exit 1 means a counterexample and nothing else: set only where one was found. */
let counterexampleExit = false;

function lastResort(e: unknown): void {
  const message = errorText(e);
  process.stderr.write(`ldfi: internal error: ${message}\n`);
  if (process.env.LDFI_DEBUG) process.stderr.write(`${(e as Error)?.stack ?? ''}\n`);
  const search = inFlight;
  inFlight = undefined;
  if (search) {
    try {
      const partial = search.partial(message);
      writeReports(partial, search.flags);
      process.stdout.write(formatSearchResult(partial, { command: COMMAND }) + '\n');
    } catch (again) {
      process.stderr.write(`ldfi: the partial report could not be written either: ${errorText(again)}\n`);
    }
  }
  process.exit(EXIT.internal);
}

process.on('uncaughtException', lastResort);
process.on('unhandledRejection', lastResort);
// Node (and Emscripten's abort) exit with 1 on their own; 1 is the code of a counterexample.
process.on('exit', (code) => {
  if (code === EXIT.counterexample && !counterexampleExit) process.exitCode = EXIT.internal;
});

/**
 * Re-runs the run a trace file describes (files, bounds, seed, faults), checks that it is the same
 * run byte for byte, and checks the invariant like any replay. Exit 1 if the run differs or violates.
 */
async function replayFromTrace(path: string): Promise<number> {
  const stored = readTraceFile(path);
  const t = await target([...stored.target.files], { ...stored.bounds, nodes: [...stored.bounds.nodes] }, stored.seed);
  if (!(t instanceof SimTarget)) throw new UserError('BAD_OPTION', `${path}: not a sim trace`);
  if (t.contentHash !== stored.target.contentHash) {
    process.stderr.write(`ldfi: warning: ${stored.target.files.join(' ')} changed since the trace was written\n`);
  }
  const faults = validateSchedule(stored.faults, t.bounds, t.supportedFaults);
  const again = traceFile(t, faults);
  const r = t.run(faults, { lineage: false });
  const same = again.hash === stored.hash;
  const lines = [
    same
      ? `✓ replayed identically: trace ${again.hash} (${again.events.length} events, ${again.audit.length} audit entries)`
      : `✗ the replay differs from the trace: ${stored.hash} then, ${again.hash} now`,
    r.violations.length || r.error ? `✗ invariant violated under: ${formatFaults(faults)}` : `✓ invariant holds under: ${formatFaults(faults)}`,
    ...r.violations.map((v) => `  violated: ${v.message}`),
    ...(r.error ? [`  error:    ${r.error}`] : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return same && !r.violations.length && !r.error ? EXIT.ok : EXIT.counterexample;
}

function setExit(code: number): void {
  counterexampleExit = code === EXIT.counterexample;
  process.exitCode = code;
}

function buildProgram(): Command {
  const program = new Command('ldfi')
    .description('Lineage-driven fault injection: finds the faults that break a protocol, or shows why none can within the bounds.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  searchCommand(program.command('run').description('search for a counterexample (exit 1 if found)').argument('<files...>', 'program files, read as one program'))
    .action(async (files: string[], flags: RunFlags, cmd: Command) => {
      const r = await runSearch(files, flags, cmd);
      process.stdout.write(formatSearchResult(r, { command: COMMAND }) + '\n');
      setExit(exitFor(r));
    });

  searchCommand(program.command('explain').description('search, then explain each outcome: its supports and the hypotheses they defeated').argument('<files...>'))
    .action(async (files: string[], flags: RunFlags, cmd: Command) => {
      const r = await runSearch(files, flags, cmd);
      process.stdout.write(formatSearchResult(r, { command: COMMAND, explaining: true }) + '\n\n' + formatExplanation(r) + '\n');
      setExit(exitFor(r));
    });

  withBounds(program.command('replay').description('run one fault schedule and check the invariant (exit 1 if violated)').argument('[files...]'))
    .option('--faults <schedule>', "the faults, e.g. 'omit a→b @1; crash c @3'", 'none')
    .addOption(new Option('--seed <seed>', 'seed of a simulated network (sim protocols)').default('1').argParser(seedText))
    .option('--trace <file>', 'write the run\'s trace and audit log (sim protocols) to file')
    .option('--from-trace <file>', 'replay the run a trace file describes: exit 1 if it differs or violates the invariant')
    .action(async (files: string[], flags: BoundsFlags & { faults: string; seed: string; trace?: string; fromTrace?: string }) => {
      if (flags.fromTrace) {
        setExit(await replayFromTrace(flags.fromTrace));
        return;
      }
      if (files.length === 0) throw new UserError('BAD_OPTION', 'replay needs program files (or --from-trace FILE)');
      if (flags.trace) checkOutputPath('--trace', flags.trace);
      const t = await target(files, flags, flags.seed);
      const faults = validateSchedule(parseFaults(flags.faults), t.bounds, t.supportedFaults);
      const r = await t.run(faults, { lineage: false });
      if (flags.trace) {
        if (!(t instanceof SimTarget)) throw new UserError('BAD_OPTION', '--trace is for sim protocols (a Dedalus run is its schedule)');
        const trace = traceFile(t, faults);
        writeFileAtomic(flags.trace, JSON.stringify(trace, null, 1) + '\n');
        process.stderr.write(`trace ${trace.hash} written to ${flags.trace}\n`);
      }
      const lines = [
        r.violations.length || r.error
          ? `✗ invariant violated under: ${formatFaults(faults)}`
          : r.unknown?.length
            ? `? invariant could not be fully checked under: ${formatFaults(faults)}`
            : `✓ invariant holds under: ${formatFaults(faults)}`,
        `  ${files.join(' ')} — EOT ${t.bounds.eot}, EFF ${t.bounds.eff}, crashes ${t.bounds.crashes}, nodes ${t.bounds.nodes.join(',')}`,
        ...r.violations.map((v) => `  violated: ${v.message}`),
        ...(r.error ? [`  error:    ${r.error}`] : []),
        ...(r.unknown ?? []).map((u) => `  unknown:  ${u}`),
        '  run:',
        ...spaceTimeListing(r.messages, faults, '    '),
      ];
      process.stdout.write(lines.join('\n') + '\n');
      setExit(r.violations.length || r.error ? EXIT.counterexample : EXIT.ok);
    });

  withBounds(program.command('why').description('how did I get here: the derivation tree of a tuple or output, with every alternative').argument('<files...>'))
    .requiredOption('--tuple <tuple>', "Dedalus: a tuple, e.g. 'log(c,hello)@4' (default step: EOT); sim: an output, e.g. 'b:\"v1\"'")
    .option('--faults <schedule>', 'in the run of this fault schedule', 'none')
    .addOption(new Option('--seed <seed>', 'seed of a simulated network (sim protocols)').default('1').argParser(seedText))
    .option('--dot <file>', 'also write the lineage as Graphviz DOT to file')
    .addOption(new Option('--depth <n>', 'expand the tree to this depth').default(64).argParser(integer('--depth', 1)))
    .action(async (files: string[], flags: BoundsFlags & { tuple: string; faults: string; seed: string; dot?: string; depth: number }) => {
      if (flags.dot) checkOutputPath('--dot', flags.dot);
      const t = await target(files, { ...flags, negativeSupport: true }, flags.seed);
      const faults = validateSchedule(parseFaults(flags.faults), t.bounds, t.supportedFaults);
      if (!t.why) throw new UserError('BAD_OPTION', `why is not available for ${t.kind} targets`);
      const w = t.why(flags.tuple, faults);
      const head = w.holds ? '' : `${flags.tuple} does not hold in this run (faults: ${formatFaults(faults)}).\n`;
      process.stdout.write(head + formatWhyTree(w.lineage, w.root, { maxDepth: flags.depth }) + '\n');
      if (flags.dot) writeFileAtomic(flags.dot, toDot(w.lineage, w.root));
    });

  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (isUserError(e)) {
      process.stderr.write(`ldfi: error: ${e.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`ldfi: internal error: ${errorText(e)}\n`);
    if (process.env.LDFI_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    else process.stderr.write('(set LDFI_DEBUG=1 for the stack trace, and please report it)\n');
    return EXIT.internal;
  }
}

process.exitCode = await main(process.argv.slice(2));
