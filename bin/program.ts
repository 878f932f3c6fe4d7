/**
 * The command line as a program: its options (commander), and `main`, which runs one command and
 * returns its exit code (0 none, 1 counterexample, 2 bad input or usage, 3 internal error, 4 a
 * replayed run that could not be checked). No process-level effect: `bin/ldfi.ts` installs the
 * last-resort handlers and sets the exit code; tests run `main` in their own process.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseRestriction } from '../src/injector/restriction.ts';
import { parseOutcomePattern } from '../src/search/outcome-pattern.ts';
import { existsSync, statSync } from 'node:fs';
import { errorText, isUserError, OptionError } from '../src/model/errors.ts';
import type { FaultKind } from '../src/model/faults.ts';
import { FAULT_KINDS } from '../src/model/fault-model.ts';
import { MAX_RUNS } from '../src/model/limits.ts';
import { EXIT, type BoundsFlags, type RunFlags } from './cli-common.ts';

function integer(name: string, min: number, max = Infinity) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}, got '${value}'`);
    if (Number(value) > max) throw new InvalidArgumentError(`${name} ${value} is beyond the maximum of ${max.toLocaleString('en-US')}`);
    return Number(value);
  };
}

/** The flag of each search option the library names by its field (qualifySearchOptions). */
const FLAGS: Readonly<Record<string, string>> = {
  strategy: '--strategy',
  seed: '--seed',
  seeds: '--seeds',
  maxRuns: '--max-runs',
  symmetry: '--symmetry',
  outcome: '--outcome',
  randomKinds: '--fault-kinds',
  restriction: '--only-faults',
  findAll: '--find-all',
  eot: '--eot',
  eff: '--eff',
  crashes: '--crashes',
  nodes: '--nodes',
  maxDelay: '--max-delay',
  failStatuses: '--fail-status',
  faultKinds: '--fault-kinds',
};

function flagName(option: string, value?: string): string {
  const flag = FLAGS[option] ?? option;
  return value === undefined ? flag : `${flag} ${value}`;
}

function statusList(value: string): number[] {
  const codes = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = codes.find((c) => !/^\d+$/.test(c) || Number(c) < 400 || Number(c) > 599);
  if (bad !== undefined || codes.length === 0) throw new InvalidArgumentError(`'${bad ?? value}' is not an error status; give statuses from 400 to 599, e.g. 500,503`);
  return [...new Set(codes.map(Number))];
}

function faultKinds(value: string): FaultKind[] {
  const kinds = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = kinds.find((k) => !FAULT_KINDS.includes(k as FaultKind));
  if (bad || kinds.length === 0) throw new InvalidArgumentError(`unknown fault kind '${bad ?? ''}'; choose from ${FAULT_KINDS.join(', ')}`);
  return kinds as FaultKind[];
}

/** `--shard i/n`: whole numbers with 1 ≤ i ≤ n. */
function shardText(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new InvalidArgumentError(`--shard ${value}: expected i/n with 1 ≤ i ≤ n, e.g. 2/3`);
  return { index, count };
}

function includeDir(value: string, previous: string[] | undefined): string[] {
  if (!existsSync(value) || !statSync(value).isDirectory()) throw new InvalidArgumentError(`-I ${value}: no such folder`);
  return [...(previous ?? []), value];
}

/** `1..20` or `3,7,9`: the seeds of a sweep (at most 1,000). */
function seedRange(value: string): string[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(value.trim());
  const seeds = range
    ? Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1]) + 1) }, (_, i) => String(Number(range[1]) + i))
    : value.split(',').map((s) => s.trim()).filter(Boolean);
  if (seeds.length === 0 || seeds.length > 1000) throw new InvalidArgumentError(`--seeds expects a range such as 1..20 or a list such as 3,7,9 (1 to 1,000 seeds), got '${value}'`);
  return [...new Set(seeds)];
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

function withBounds(cmd: Command): Command {
  return cmd
    .addOption(new Option('--eot <n>', 'end of time: run steps 1..n, at most 1000 (Dedalus default 3; sim: virtual ms up to 10,000,000, default from the protocol or 100)').argParser(integer('--eot', 1)))
    .addOption(new Option('--eff <n>', 'end of finite failures: message loss only at send times < n, 0..EOT; 0 = crashes only, the fail-stop model (Dedalus default 2; sim default 50)').argParser(integer('--eff', 0)))
    .addOption(new Option('--crashes <n>', 'crash budget: at most n nodes crash, 0..number of nodes (default 0)').argParser(integer('--crashes', 0)))
    .addOption(new Option('--max-delay <n>', 'sim and tcp: the longest delay of a message LDFI searches, in virtual ms (sim) or rounds (tcp) (default from the protocol or system, else 0: no delays); a delay holds every message of a channel sent at one time before EFF').argParser(integer('--max-delay', 0)))
    .addOption(new Option('--fail-status <codes>', 'tcp with HTTP links: the statuses a failed request is answered with, each its own fault (fail a→b @t with <code>; default from the system, else 503), e.g. 500,503').argParser(statusList))
    .addOption(new Option('--nodes <a,b,c>', 'the node set (default: the locations that send, receive or crash, printed with the reason for each)').argParser(nodeList))
    .addOption(new Option('-I, --include <dir>', 'Dedalus: also look for included files in dir (repeatable; after the including file\'s folder and the first file\'s)').argParser(includeDir));
}

function searchCommand(cmd: Command): Command {
  return withBounds(cmd)
    .option('--no-negative-support', 'ignore notin subgoals in lineage (faster, but misses violations that faults create)')
    .addOption(new Option('--strategy <name>', "ldfi (lineage-driven), molly (Molly's: each run solved on its own, for comparison), causal (Molly's potential-causality baseline: every message in an outcome's causal past, no lineage), random (seeded) or exhaustive").choices(['ldfi', 'molly', 'causal', 'random', 'exhaustive']).default('ldfi'))
    .option('--find-all', 'keep searching after the first counterexample')
    .addOption(new Option('--max-runs <n>', 'stop after n runs (default: none; random: 1000)').argParser(integer('--max-runs', 1, MAX_RUNS)))
    .addOption(new Option('--seed <seed>', 'seed of the random strategy and of simulated networks (default: drawn and printed)').argParser(seedText))
    .addOption(new Option('--seeds <a..b>', 'sim: search each of these seeds (delivery orders), e.g. 1..20 or 3,7,9; each counterexample reported once per root cause').argParser(seedRange))
    .option('--symmetry', 'Dedalus: one run for runs that differ only by renaming interchangeable nodes (the verdict is the same)')
    .addOption(new Option('--workers <n>', 'worker threads for the runs of a sim protocol (default 1; the result is the same for any n)').argParser(integer('--workers', 1)))
    .addOption(new Option('--only-faults <spec>', "a targeted fault space, e.g. 'crash:c; omit:*→c @1..4; disconnect:a↔b @2' (the verdict says so)").argParser((v: string) => parseRestriction(v)))
    .addOption(new Option('--outcome <pattern>', "Dedalus: attack only the outcomes matching, e.g. 'post(_, commit)' (_ is any value; the verdict says so)").argParser((v: string) => parseOutcomePattern(v)))
    .addOption(new Option('--fault-kinds <kinds>', 'the kinds of fault searched (ldfi, exhaustive; default every kind LDFI searches on the target: sim and tcp omit,crash,restart,delay,disconnect,partition, and tcp with HTTP links also fail,reset (a request answered with an error status by Spike; a message cut short by a connection reset) — a restart counts against the crash budget, delays need --max-delay, and sim searches cuts only where a node has connection handlers; Dedalus omit,crash) or drawn (random: any of omit,crash,disconnect,delay,restart,partition,fail,reset the target applies)').argParser(faultKinds))
    .option('--json <file>', 'write the JSON report (docs/report-format.md) to file')
    .option('--junit <file>', 'write a JUnit XML report to file')
    .option('--html <file>', 'write a self-contained HTML report (space-time diagrams; opens from disk, no server)')
    .option('--no-timings', 'leave wall-clock figures out of the JSON report (byte-identical reports)');
}

/** The command bodies, loaded on first use (see bin/actions.ts). */
let loaded: typeof import('./actions.ts') | undefined;
/** The command bodies if a command loaded them (the last-resort handler writes a partial report through them). */
export function loadedActions(): typeof import('./actions.ts') | undefined {
  return loaded;
}

async function actions(): Promise<typeof import('./actions.ts')> {
  return (loaded ??= await import('./actions.ts'));
}

function buildProgram(): Command {
  const program = new Command('ldfi')
    .description('Lineage-driven fault injection: finds the faults that break a protocol, or shows why none can within the bounds.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // Before the subcommands are made: they inherit it.
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    // One voice for every error: commander's usage errors read like ldfi's own, without repeating
    // the option (our argument parsers already name it).
    outputError: (s, write) => write(s.replace(/^error: option '[^']*' argument '[^']*' is invalid\. (?=--)/, 'error: ').replace(/^error: /, 'ldfi: error: ')),
  });

  searchCommand(program.command('run').description('search for a counterexample (exit 1 if found)').argument('<files...>', 'program files, read as one program'))
    .action(async (files: string[], flags: RunFlags, cmd: Command) => {
      await (await actions()).runAction(files, flags, cmd);
    });

  searchCommand(program.command('explain').description('search, then explain each outcome: its supports and the hypotheses they defeated').argument('<files...>'))
    .action(async (files: string[], flags: RunFlags, cmd: Command) => {
      await (await actions()).explainAction(files, flags, cmd);
    });

  withBounds(program.command('replay').description('run one fault schedule and check the invariant (exit 1 if violated)').argument('[files...]'))
    .option('--faults <schedule>', "the faults, e.g. 'omit a→b @1; crash c @3'", 'none')
    .addOption(new Option('--seed <seed>', 'seed of a simulated network (sim protocols)').default('1').argParser(seedText))
    .option('--trace <file>', 'write the run\'s trace and audit log (sim protocols) to file')
    .option('--from-trace <file>', 'replay the run a trace file describes: exit 1 if it differs or violates the invariant')
    .action(async (files: string[], flags: BoundsFlags & { faults: string; seed: string; trace?: string; fromTrace?: string }) => {
      await (await actions()).replayAction(files, flags);
    });

  withBounds(program.command('why').description('how did I get here: the derivation tree of a tuple or output, with every alternative').argument('<files...>'))
    .requiredOption('--tuple <tuple>', "Dedalus: a tuple, e.g. 'log(c,hello)@4' (default step: EOT); sim: an output, e.g. 'b:\"v1\"'")
    .option('--faults <schedule>', 'in the run of this fault schedule', 'none')
    .addOption(new Option('--seed <seed>', 'seed of a simulated network (sim protocols)').default('1').argParser(seedText))
    .option('--dot <file>', 'also write the lineage as Graphviz DOT to file')
    .option('--svg <file>', 'also draw the lineage as an SVG picture (laid out by ldfi: no Graphviz needed)')
    .option('--gexf <file>', 'also write the lineage as GEXF (Gephi and other graph tools)')
    .addOption(new Option('--depth <n>', 'expand the tree to this depth').default(64).argParser(integer('--depth', 1)))
    .action(async (files: string[], flags: BoundsFlags & { tuple: string; faults: string; seed: string; dot?: string; svg?: string; gexf?: string; depth: number }) => {
      await (await actions()).whyAction(files, flags);
    });

  program
    .command('campaign')
    .description('run the campaigns of a config (ldfi.config.ts or .json): the regression corpus first, then each campaign, with reports and a summary (exit 1 if a counterexample was found or a corpus entry still fails)')
    .option('--config <file>', 'the config file (default: ldfi.config.{ts,mts,js,mjs,json} here)')
    .addOption(new Option('--only <names>', 'only these campaigns (comma-separated names)').argParser((v: string) => v.split(',').map((x) => x.trim()).filter(Boolean)))
    .option('--bail', 'stop at the first campaign that finds a counterexample')
    .option('--no-timings', 'leave wall-clock times out of summary.json and the reports')
    .addOption(new Option('--shard <i/n>', "run only this machine's part of the cases: every n-th from the i-th (CI matrix); join the parts with merge-reports").argParser(shardText))
    .action(async (flags: { config?: string; only?: string[]; bail?: boolean; timings: boolean; shard?: { index: number; count: number } }) => {
      await (await import('./campaign.ts')).campaignAction(flags);
    });

  program
    .command('merge-reports')
    .description("join the summary.json of a campaign's shards (--shard i/n) into one summary and one verdict (exit as campaign would)")
    .argument('<summaries...>', 'the summary.json of every shard')
    .option('--out <file>', 'also write the merged summary to file')
    .action(async (files: string[], flags: { out?: string }) => {
      await (await import('./campaign.ts')).mergeReportsAction(files, flags);
    });

  program
    .command('report')
    .description('draw the report of a saved JSON report (ldfi run --json) again: the same HTML page --html writes')
    .argument('<report>', 'a JSON report written by --json')
    .requiredOption('--html <file>', 'write the HTML report to file')
    .action(async (file: string, flags: { html: string }) => {
      await (await actions()).reportAction(file, flags);
    });

  program
    .command('check')
    .description('list static problems before any run: a TypeScript protocol type-checked against ldfi/sim (a misspelled handler, a send to an unknown node), or a Dedalus program parsed and compiled (exit 2 if any)')
    .argument('<files...>', 'one TypeScript protocol, or Dedalus files read as one program')
    .addOption(new Option('-I, --include <dir>', 'Dedalus: also look for included files in dir (repeatable)').argParser(includeDir))
    .action(async (files: string[], flags: { include?: string[] }) => {
      await (await actions()).checkAction(files, flags);
    });

  return program;
}

/** Runs one command (`argv` without `node` and the script); resolves to its exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    process.exitCode = undefined;
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version succeed; help shown because no command was given is a usage error.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
      return EXIT.usage;
    }
    if (isUserError(e)) {
      const { colorsFor, paintMessage } = await import('../src/report/colors.ts');
      // A rule of the library about an option, in the words of the command line: its flags.
      const message = e instanceof OptionError ? e.say(flagName) : e.message;
      process.stderr.write(`${paintMessage(`ldfi: error: ${message}`, colorsFor(process.stderr))}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`ldfi: internal error: ${errorText(e)}\n`);
    if (process.env.LDFI_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
    else process.stderr.write('(set LDFI_DEBUG=1 for the stack trace, and please report it)\n');
    return EXIT.internal;
  }
}
