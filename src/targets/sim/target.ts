import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkSourceSize } from '../../model/limits.ts';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { probeModuleLoad } from '../load-probe.ts';
import { trapProcessExit } from '../exit-trap.ts';
import type { Bounds } from '../../model/bounds.ts';
import { UserError } from '../../model/errors.ts';
import type { FaultKind, FaultSet } from '../../model/faults.ts';
import { newLineageGraph, type LineageGraph } from '../../model/lineage.ts';
import type { MessageRecord, RunOptions, RunResult, StateFact, Target, TargetCapabilities, WhyAnswer } from '../../model/target.ts';
import type { Invariant, Protocol } from './api.ts';
import { simFootprint } from './footprint.ts';
import { buildSimLineage, outputKeys } from './lineage.ts';
import { DEFAULT_RUN_BUDGET_MS, simulate, simulateInterrupted, simulateQuick, simulateWatched, type SimChecker, type SimExecution, type SimOptions } from './simulator.ts';
import { InvariantCheck } from '../invariant-check.ts';
import { simTraceFile, type SimTraceFile } from './trace-file.ts';
import { runView } from './view.ts';

export interface SimTargetOptions {
  eot?: number;
  eff?: number;
  crashes?: number;
  nodes?: readonly string[];
  seed: string;
}

export const SIM_DEFAULTS = { eot: 100, eff: 50, crashes: 0 };

/** A TypeScript protocol on the simulated network, under Spike's faults. */
export class SimTarget implements Target {
  readonly kind = 'sim';
  readonly supportedFaults: readonly FaultKind[] = ['omit', 'crash', 'disconnect', 'delay', 'restart', 'partition'];
  readonly replayOptions: readonly string[];
  /**
   * Handlers are opaque code: what a node did not do depends on everything it saw, so the negative
   * support of a run is its footprint (footprint.ts), which LDFI covers.
   */
  readonly tracksAbsence = true;
  readonly footprints = true;

  private constructor(
    readonly protocol: Protocol,
    readonly files: readonly string[],
    readonly contentHash: string,
    readonly bounds: Bounds,
    readonly seed: string,
  ) {
    this.replayOptions = ['--seed', seed];
    if (protocol.invariants.length === 0) {
      // Nothing can fail a run, so nothing found proves nothing.
      this.invariantless = `${protocol.name} has no invariant: no run can violate anything`;
      this.warnings = [`${files[0]}: ${this.invariantless}; add invariants (e.g. expectOutputs) to defineProtocol`];
    }
  }

  readonly invariantless?: string;
  readonly warnings?: readonly string[];
  /** A simulated network: every run depends on the seed (its delivery order), and another seed is another search. */
  readonly capabilities: TargetCapabilities = { seeded: true, reseedable: true, cheapRuns: true, symmetry: false, outcomePatterns: false, causalBaseline: false, traces: true, tuples: false };

  /** One run with its trace on (`ldfi replay --trace`): the trace and the result of the same execution. */
  async trace(faults: FaultSet): Promise<{ trace: SimTraceFile; result: RunResult }> {
    const exec = this.simulate(faults, true);
    return { trace: simTraceFile(this, [...faults], exec), result: this.resultOf(faults, exec, { lineage: false }) };
  }

  /** The same protocol and bounds on another seed (a seed sweep). */
  withSeed(seed: string): SimTarget {
    return new SimTarget(this.protocol, this.files, this.contentHash, this.bounds, seed);
  }

  static async open(file: string, opts: SimTargetOptions): Promise<SimTarget> {
    let text: string;
    checkSourceSize(file, 'protocol module');
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new UserError('FILE', `cannot read protocol file ${file}: no such file`);
    }
    // Top-level code that never ends would hang this thread beyond any watchdog: tried in a worker first.
    await probeModuleLoad(file, text);
    let mod: Record<string, unknown>;
    try {
      // tsx compiles the protocol on import, as ESM or CommonJS depending on its package.
      mod = await tsImport(pathToFileURL(resolve(file)).href, import.meta.url);
    } catch (e) {
      // A TypeScript syntax error reads `Transform failed with 1 error:\n<file>:<line>:<col>: ERROR: …`.
      const message = String((e as Error)?.message ?? e);
      const located = /^(.*?:\d+:\d+): ERROR: (.*)$/m.exec(message);
      if (located) throw new UserError('SYNTAX', `${located[1]}: ${located[2]}`);
      const hint = /Cannot find (module|package) 'ldfi\/sim'/.test(message) ? " (add ldfi to the protocol's project: npm install --save-dev <path to ldfi>)" : '';
      throw new UserError('BAD_PROGRAM', `${file}: cannot load the protocol: ${message.split('\n')[0]}${hint}`);
    }
    return SimTarget.of(checkProtocol(exportedProtocol(mod), file), opts, file, text);
  }

  /**
   * A target for a protocol already in memory (tests, and programs that build protocols). `file` names
   * it in reports; `source` is what its content hash is taken of. Throws `UserError` for bad `--nodes`.
   */
  static of(protocol: Protocol, opts: SimTargetOptions, file = `${protocol.name}.ts`, source = protocol.name): SimTarget {
    // A protocol that calls process.exit (in a handler or an invariant) must not end ldfi.
    trapProcessExit();
    const d = { ...SIM_DEFAULTS, ...protocol.defaults };
    const nodes = opts.nodes ?? protocol.nodes;
    for (const n of nodes) {
      if (!protocol.nodes.includes(n)) throw new UserError('BAD_OPTION', `--nodes: ${n} is not a node of ${protocol.name} (${protocol.nodes.join(', ')})`);
    }
    const bounds: Bounds = { eot: opts.eot ?? d.eot, eff: opts.eff ?? d.eff, crashes: opts.crashes ?? d.crashes, nodes };
    const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
    return new SimTarget(protocol, [file], hash, bounds, opts.seed);
  }

  simulate(faults: FaultSet, trace = true): SimExecution {
    return simulate(this.protocol, { eot: this.bounds.eot, seed: this.seed, faults, trace });
  }

  /**
   * "How did I get here" for an output: `node:value` (value as JSON, e.g. `b:"v1"`), optionally
   * `#k` for its k-th occurrence. Its lineage, down to the messages and liveness it needed.
   */
  why(outputText: string, faults: FaultSet): WhyAnswer {
    const root = outputRoot(outputText, this.bounds.nodes);
    return whyOutput(root, this.simulate(faults, false), /#\d+\s*$/.test(outputText));
  }


  /** One run: at once when it is quick (nearly always); a promise when it is slow (`slowRun`). */
  run(faults: FaultSet, options: RunOptions = { lineage: true }): RunResult | Promise<RunResult> {
    const results = this.runMany([faults], options);
    return results instanceof Promise ? results.then((r) => r[0]) : results[0];
  }

  /**
   * Several schedules back to back under one watchdog (simulator.ts `simulateQuick`); at least one.
   * A slow run is made alone afterwards (`slowRun`), which makes the answer a promise.
   */
  runMany(schedules: readonly FaultSet[], options: RunOptions = { lineage: true }): RunResult[] | Promise<RunResult[]> {
    const { done, slow } = simulateQuick(this.protocol, schedules.map((faults) => this.optionsOf(faults)), undefined, this.checker);
    const results = done.map((exec, i) => this.resultOf(schedules[i], exec, options));
    // The slow one comes again in the caller's next call; alone, it is made now.
    if (!slow || results.length > 0) return results;
    return this.slowRun(schedules[0], slow, options).then((r) => [r]);
  }

  /**
   * A run that outgrew `QUICK_MS`, made again alone under its whole budget, where Ctrl-C can stop it.
   * First the event loop turns, so that a Ctrl-C that came meanwhile reaches ldfi's handler
   * (`RunOptions.signal`): then the run is not made at all.
   */
  private async slowRun(faults: FaultSet, opts: SimOptions, options: RunOptions): Promise<RunResult> {
    // Twice: the second turn is sure to pass the poll phase, where a pending signal is handled.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    const exec = options.signal?.aborted ? simulateInterrupted(this.protocol, opts) : simulateWatched(this.protocol, opts, this.checker);
    return this.resultOf(faults, exec, options);
  }

  /** The invariants, run inside each run's watchdog: one that never returns cannot hang ldfi. */
  private get checker(): SimChecker {
    const check = new InvariantCheck(this.protocol.invariants);
    return { check: (exec) => check.check(runView(exec)), stopped: (end, budgetMs) => check.stopped(end, budgetMs) };
  }

  private optionsOf(faults: FaultSet): SimOptions {
    return { eot: this.bounds.eot, seed: this.seed, faults, trace: false };
  }

  private resultOf(faults: FaultSet, exec: SimExecution, options: RunOptions): RunResult {
    return executionResult(exec, faults, this.protocol.invariants, this.bounds, options, this.protocol.runBudgetMs);
  }
}

/**
 * The lineage goal of an output named as `node:value` (value as JSON, e.g. `b:"v1"`), optionally `#k`
 * for its k-th occurrence. Throws `UserError` for anything else.
 */
export function outputRoot(outputText: string, nodes?: readonly string[]): string {
  // Reports name outputs by their lineage key (`out:node:value#k`): that form is accepted too.
  const m = /^([^:]+):(.*?)(?:#(\d+))?$/.exec(outputText.trim().replace(/^out:/, ''));
  let value: unknown;
  try {
    value = m ? JSON.parse(m[2]) : undefined;
  } catch {
    value = undefined;
  }
  if (!m || value === undefined) {
    throw new UserError('BAD_TUPLE', `--tuple: expected an output as node:value with the value in JSON, e.g. 'b:"v1"' or 'sink:4#2', got '${outputText}'`);
  }
  if (nodes && !nodes.includes(m[1])) throw new UserError('BAD_TUPLE', `--tuple: '${m[1]}' is not a node (nodes: ${nodes.join(', ')})`);
  return `out:${m[1]}:${JSON.stringify(value)}#${m[3] ?? 1}`;
}

/** "How did I get here" for an output of an execution: its lineage, or a lone vertex saying it was not produced. */
export function whyOutput(root: string, exec: SimExecution, occurrenceGiven = true): WhyAnswer {
  const lineage = buildSimLineage(exec);
  if (lineage.hasNode(root)) {
    // The same value output again: without #k, every occurrence is shown.
    const others: string[] = [];
    for (let k = 2; !occurrenceGiven && lineage.hasNode(root.replace(/#\d+$/, `#${k}`)); k++) others.push(root.replace(/#\d+$/, `#${k}`));
    return { root, holds: true, lineage, ...(others.length ? { others } : {}) };
  }
  const [, node, value, k] = /^out:([^:]+):(.*)#(\d+)$/.exec(root)!;
  let produced = 0;
  while (lineage.hasNode(root.replace(/#\d+$/, `#${produced + 1}`))) produced++;
  const g = newLineageGraph();
  const label = produced > 0 ? `output ${node}: ${value} #${k} (not produced: it was output ${produced === 1 ? 'once' : `${produced} times`} in this run, #1${produced > 1 ? `..#${produced}` : ''})` : `output ${node}: ${value} (not produced)`;
  g.addNode(root, { kind: 'goal', label, relation: 'output', time: 0, edb: false });
  return { root, holds: false, lineage: g };
}

/**
 * What the search needs of an execution of code (a sim protocol, a tcp system): violations of the
 * invariants (one that throws is unknown, not violated), messages, outcomes, lineage, footprint.
 */
export function executionResult(exec: SimExecution, faults: FaultSet, invariants: readonly Invariant[], bounds: Bounds, options: RunOptions, budgetMs = DEFAULT_RUN_BUDGET_MS): RunResult {
  if (exec.interrupted) {
    // Ctrl-C stopped the run midway: it shows nothing either way (the search stops next).
    return { faults, messages: [], violations: [], unknown: ['the run was interrupted (Ctrl-C)'], outcomes: [], lineage: newLineageGraph() };
  }
  // A protocol that failed is a finding of its own: its invariants are not asked. Checked inside the
  // run's watchdog when the run was simulated; otherwise (a tcp run, a trace) under one of its own,
  // where Ctrl-C can stop it (these runs are few and slow, so the SIGINT swap costs nothing).
  const checked = exec.error ? { violations: [], unknown: [] } : (exec.checked ?? new InvariantCheck(invariants).checkWatched(runView(exec), budgetMs, true));
  const violations = checked.violations;
  const unknown = [...(exec.unknown ?? []), ...checked.unknown];
  return {
    faults,
    messages: exec.messages.filter((m) => m.ref.from !== m.ref.to).map(toMessageRecord),
    ...(options.states ? { states: simStates(exec) } : {}),
    violations,
    unknown,
    outcomes: outputKeys(exec),
    lineage: options.lineage ? buildSimLineage(exec) : newLineageGraph(),
    ...(options.lineage || options.footprint ? { footprint: simFootprint(exec, faults, bounds) } : {}),
    error: exec.error,
    ...(exec.notes?.length ? { notes: exec.notes } : {}),
  };
}

/** The inputs each node was given and the outputs it wrote, in time order (messages are drawn apart). */
function simStates(exec: SimExecution): StateFact[] {
  const facts: StateFact[] = [
    ...exec.inputs.map((i) => ({ time: i.at, node: i.node, relation: 'input', fact: JSON.stringify(i.value) ?? 'undefined' })),
    ...exec.outputs.map((o) => ({ time: o.at, node: o.node, relation: 'output', fact: JSON.stringify(o.value) ?? 'undefined' })),
  ];
  // Stable: within a time, inputs before outputs, each in the order they happened.
  return facts.map((f, i) => ({ f, i })).sort((a, b) => a.f.time - b.f.time || a.i - b.i).map(({ f }) => f);
}

function toMessageRecord(m: SimExecution['messages'][number]): MessageRecord {
  // Pending when the run ended: due after the end of time, it never arrived (even to a node still up).
  const status = m.status === 'delivered' ? 'delivered' : m.status === 'pending' ? 'in-flight' : m.status === 'receiver-down' ? 'receiver-down' : 'omitted';
  return {
    from: m.ref.from,
    to: m.ref.to,
    sendTime: m.ref.sentAt,
    deliverTime: m.deliverAt,
    content: JSON.stringify(m.ref.payload),
    status,
    ...(m.reason ? { reason: m.reason } : {}),
  };
}

/** The default export (through CommonJS interop if need be), or a named `protocol` export. */
function exportedProtocol(mod: Record<string, unknown>): unknown {
  const d = mod.default as Record<string, unknown> | undefined;
  if (d && typeof d === 'object' && 'nodes' in d) return d;
  if (d && typeof d === 'object' && d.default && typeof d.default === 'object') return d.default;
  return mod.protocol ?? (d && typeof d === 'object' ? d.protocol : undefined);
}

function checkProtocol(p: unknown, file: string): Protocol {
  const bad = (what: string): never => {
    throw new UserError('BAD_PROGRAM', `${file}: ${what} (export default defineProtocol({ name, nodes, node, workload, invariants }))`);
  };
  if (!p || typeof p !== 'object') return bad('no protocol exported');
  const q = p as Partial<Protocol>;
  if (typeof q.name !== 'string') bad('the protocol needs a name');
  if (!Array.isArray(q.nodes) || q.nodes.length === 0 || !q.nodes.every((n) => typeof n === 'string')) bad('nodes must be a non-empty list of names');
  if (typeof q.node !== 'function') bad('node must be a function from a node id to its handlers');
  if (!Array.isArray(q.workload)) bad('workload must be a list of { at, node, value }');
  if (!Array.isArray(q.invariants) || !q.invariants.every((i) => typeof i === 'function')) bad('invariants must be a list of functions');
  for (const w of q.workload!) {
    if (!q.nodes!.includes(w.node)) bad(`the workload gives input to '${w.node}', which is not a node`);
    if (!Number.isInteger(w.at) || w.at < 1) bad(`a workload item is at ${w.at}; times are whole ms from 1`);
  }
  return q as Protocol;
}

/** A hash of a run's trace and audit log: equal hashes mean the same run, byte for byte. */
export function traceHash(exec: SimExecution): string {
  return createHash('sha256').update(JSON.stringify(exec.events)).update('\u0000').update(JSON.stringify(exec.audit.entries)).digest('hex');
}
