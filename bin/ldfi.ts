/**
 * The `ldfi` command: parses options, calls src/, prints, sets the exit code.
 * Exit codes: 0 no counterexample, 1 counterexample, 2 bad input or usage, 3 internal error.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isUserError, UserError } from '../src/model/errors.ts';
import { validateSchedule } from '../src/injector/faults.ts';
import { formatFaults, parseFaults } from '../src/injector/text.ts';
import { formatWhyTree } from '../src/lineage/why.ts';
import { toDot } from '../src/lineage/dot.ts';
import { search, type SearchResult } from '../src/search/index.ts';
import { formatExplanation } from '../src/report/explain.ts';
import { formatJsonReport } from '../src/report/json.ts';
import { formatJUnit } from '../src/report/junit.ts';
import { spaceTimeListing } from '../src/report/spacetime.ts';
import { formatSearchResult } from '../src/report/text.ts';
import { writeFileAtomic } from '../src/report/write.ts';
import { openTarget } from '../src/targets/index.ts';

const EXIT = { ok: 0, counterexample: 1, usage: 2, internal: 3 } as const;
const COMMAND = process.env.LDFI_COMMAND ?? 'npx ldfi';

function integer(name: string, min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}, got '${value}'`);
    return Number(value);
  };
}

function nodeList(value: string): string[] {
  const nodes = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (nodes.length === 0) throw new InvalidArgumentError('expected node names separated by commas, e.g. a,b,c');
  return nodes;
}

interface BoundsFlags {
  eot: number;
  eff: number;
  crashes: number;
  nodes?: string[];
  negativeSupport: boolean;
}

function withBounds(cmd: Command): Command {
  return cmd
    .addOption(new Option('--eot <n>', 'end of time: run steps 1..n').default(3).argParser(integer('--eot', 1)))
    .addOption(new Option('--eff <n>', 'end of finite failures: omissions only at send steps < n').default(2).argParser(integer('--eff', 1)))
    .addOption(new Option('--crashes <n>', 'crash budget: at most n nodes crash').default(0).argParser(integer('--crashes', 0)))
    .addOption(new Option('--nodes <a,b,c>', 'the node set (default: every location named in the program)').argParser(nodeList))
    .option('--no-negative-support', 'ignore notin subgoals in lineage (faster, may miss counterexamples)');
}

async function target(files: string[], f: BoundsFlags) {
  if (f.eff > f.eot + 1) throw new UserError('BAD_OPTION', `--eff ${f.eff} is beyond --eot ${f.eot}; use at most ${f.eot + 1}`);
  const t = await openTarget(files, { eot: f.eot, eff: f.eff, crashes: f.crashes, nodes: f.nodes, negativeSupport: f.negativeSupport });
  if (f.crashes > t.bounds.nodes.length) {
    throw new UserError('BAD_OPTION', `--crashes ${f.crashes} is more than the ${t.bounds.nodes.length} nodes (${t.bounds.nodes.join(', ')})`);
  }
  return t;
}

interface RunFlags extends BoundsFlags {
  strategy: 'ldfi' | 'random' | 'exhaustive';
  findAll?: boolean;
  maxRuns?: number;
  seed?: string;
  json?: string;
  junit?: string;
  timings: boolean;
}

function searchCommand(cmd: Command): Command {
  return withBounds(cmd)
    .addOption(new Option('--strategy <name>', 'ldfi (lineage-driven), random (seeded) or exhaustive').choices(['ldfi', 'random', 'exhaustive']).default('ldfi'))
    .option('--find-all', 'keep searching after the first counterexample')
    .addOption(new Option('--max-runs <n>', 'stop after n runs (default: none; random: 1000)').argParser(integer('--max-runs', 1)))
    .option('--seed <seed>', 'seed of the random strategy (default: drawn and printed)')
    .option('--json <file>', 'write the JSON report (docs/report-format.md) to file')
    .option('--junit <file>', 'write a JUnit XML report to file')
    .option('--no-timings', 'leave wall-clock figures out of the JSON report (byte-identical reports)');
}

async function runSearch(files: string[], flags: RunFlags): Promise<SearchResult> {
  const t = await target(files, flags);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nldfi: interrupted; finishing the current run and writing what was found (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const result = await search(t, {
      strategy: flags.strategy,
      seed: flags.seed,
      maxRuns: flags.maxRuns,
      findAll: flags.findAll,
      signal: controller.signal,
      command: COMMAND,
      replayExtra: flags.negativeSupport ? [] : ['--no-negative-support'],
    });
    if (flags.json) writeFileAtomic(flags.json, formatJsonReport(result, { timings: flags.timings }));
    if (flags.junit) writeFileAtomic(flags.junit, formatJUnit(result));
    return result;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

function exitFor(r: SearchResult): number {
  return r.counterexamples.length > 0 ? EXIT.counterexample : EXIT.ok;
}

export function buildProgram(): Command {
  const program = new Command('ldfi')
    .description('Lineage-driven fault injection: finds the faults that break a protocol, or shows why none can within the bounds.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  searchCommand(program.command('run').description('search for a counterexample (exit 1 if found)').argument('<files...>', 'program files, read as one program'))
    .action(async (files: string[], flags: RunFlags) => {
      const r = await runSearch(files, flags);
      process.stdout.write(formatSearchResult(r, { command: COMMAND }) + '\n');
      process.exitCode = exitFor(r);
    });

  searchCommand(program.command('explain').description('search, then explain each outcome: its supports and the hypotheses they defeated').argument('<files...>'))
    .action(async (files: string[], flags: RunFlags) => {
      const r = await runSearch(files, flags);
      process.stdout.write(formatSearchResult(r, { command: COMMAND }) + '\n\n' + formatExplanation(r) + '\n');
      process.exitCode = exitFor(r);
    });

  withBounds(program.command('replay').description('run one fault schedule and check the invariant (exit 1 if violated)').argument('<files...>'))
    .requiredOption('--faults <schedule>', "the faults, e.g. 'omit a→b @1; crash c @3' (or 'none')")
    .action(async (files: string[], flags: BoundsFlags & { faults: string }) => {
      const t = await target(files, flags);
      const faults = validateSchedule(parseFaults(flags.faults), t.bounds);
      const r = await t.run(faults, { lineage: false });
      const lines = [
        r.violations.length ? `✗ invariant violated under: ${formatFaults(faults)}` : `✓ invariant holds under: ${formatFaults(faults)}`,
        `  ${files.join(' ')} — EOT ${t.bounds.eot}, EFF ${t.bounds.eff}, crashes ${t.bounds.crashes}, nodes ${t.bounds.nodes.join(',')}`,
        ...r.violations.map((v) => `  violated: ${v.message}`),
        '  run:',
        ...spaceTimeListing(r.messages, faults, '    '),
      ];
      process.stdout.write(lines.join('\n') + '\n');
      process.exitCode = r.violations.length ? EXIT.counterexample : EXIT.ok;
    });

  withBounds(program.command('why').description('how did I get here: the derivation tree of a tuple, with every alternative').argument('<files...>'))
    .requiredOption('--tuple <tuple>', "the tuple, e.g. 'log(c,hello)@4' (default step: EOT)")
    .option('--faults <schedule>', 'in the run of this fault schedule (default: fault-free)', 'none')
    .option('--dot <file>', 'also write the lineage as Graphviz DOT to file')
    .addOption(new Option('--depth <n>', 'expand the tree to this depth').default(64).argParser(integer('--depth', 1)))
    .action(async (files: string[], flags: BoundsFlags & { tuple: string; faults: string; dot?: string; depth: number }) => {
      const t = await target(files, flags);
      const faults = validateSchedule(parseFaults(flags.faults), t.bounds);
      const w = t.why(flags.tuple, faults);
      const head = w.holds ? '' : `${flags.tuple} does not hold in this run (faults: ${formatFaults(faults)}).\n`;
      process.stdout.write(head + formatWhyTree(w.lineage, w.root, { maxDepth: flags.depth }) + '\n');
      if (flags.dot) writeFileAtomic(flags.dot, toDot(w.lineage, w.root));
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
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
    process.stderr.write(`ldfi: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (process.env.LDFI_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    else process.stderr.write('(set LDFI_DEBUG=1 for the stack trace, and please report it)\n');
    return EXIT.internal;
  }
}

process.exitCode = await main(process.argv.slice(2));
