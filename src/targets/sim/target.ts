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
import type { RunOptions, RunResult, Target, TargetCapabilities, WhyAnswer } from '../../model/target.ts';
import type { Protocol } from './api.ts';
import type { CodeExecution, RunChecker } from '../code/execution.ts';
import { InvariantCheck } from '../code/invariant-check.ts';
import { executionResult } from '../code/result.ts';
import { wantsFaultFree } from '../code/fault-free.ts';
import type { RunView } from '../code/outputs.ts';
import { runView } from '../code/view.ts';
import { outputRoot, whyOutput } from '../code/why.ts';
import { simulate, simulateInterrupted, simulateQuick, simulateWatched, type SimOptions } from './simulator.ts';
import { simTraceFile, type SimTraceFile } from './trace-file.ts';
import { auditNodeState, conservativeGroups, conservativeSentence, type NodeStateAudit } from './closure-state.ts';
import { declarationSite } from './declaration-site.ts';
import { DEFAULT_RUN_BUDGET_MS, runWatched } from '../code/watchdog.ts';
import type { BoundsOptions } from '../../model/bounds.ts';
import { codeKinds } from '../../model/fault-model.ts';

export interface SimTargetOptions extends BoundsOptions {
  /** The simulated network's seed (its delivery order). */
  readonly seed: string;
}

export const SIM_DEFAULTS = { eot: 100, eff: 50, crashes: 0 };

/** What Spike applies to a simulated network (no HTTP: no failed requests, no resets mid-message). */
const SIM_FAULTS: readonly FaultKind[] = ['omit', 'crash', 'disconnect', 'delay', 'restart', 'partition'];

/** A TypeScript protocol on the simulated network, under Spike's faults. */
export class SimTarget implements Target {
  readonly kind = 'sim';
  readonly supportedFaults = SIM_FAULTS;
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
    /** Per node: whether its state is all tracked (precise lineage), and if not, why. */
    readonly stateAudit: readonly NodeStateAudit[],
  ) {
    this.replayOptions = ['--seed', seed];
    this.precise = new Set(stateAudit.filter((a) => a.precise).map((a) => a.node));
    const conservative = stateAudit.filter((a) => !a.precise).map((a) => a.node);
    if (conservative.length) this.conservativeLineage = conservative;
    // Runs can be compared by state only when ldfi sees all of it (and handlers do not read message ids, numbered per run).
    const stateTraces = stateAudit.every((a) => a.precise && !a.usesRefs);
    this.capabilities = { seeded: true, reseedable: true, cheapRuns: true, symmetry: false, outcomePatterns: false, causalBaseline: false, traces: true, tuples: false, stateTraces };
    const warnings: string[] = [];
    if (protocol.invariants.length === 0) {
      // Nothing can fail a run, so nothing found proves nothing.
      this.invariantless = `${protocol.name} has no invariant: no run can violate anything`;
      warnings.push(`${files[0]}: ${this.invariantless}; add invariants (e.g. expectOutputs) to defineProtocol`);
    }
    for (const g of conservativeGroups(stateAudit)) {
      // Where the first named variable is declared, as ldfi check says it (best effort).
      const site = g.why.map((w) => (w.variable && files[0].endsWith('.ts') ? declarationSite(files[0], w.variable) : undefined)).find((x) => x);
      warnings.push(`${site ? `${site.file}:${site.line}:${site.column}` : files[0]}: ${conservativeSentence(g)}`);
    }
    if (warnings.length) this.warnings = warnings;
  }

  /** Nodes whose actions depend on their handler call's trigger and reads (`stateAudit`). */
  readonly precise: ReadonlySet<string>;
  readonly invariantless?: string;
  readonly warnings?: readonly string[];
  readonly conservativeLineage?: readonly string[];
  /** A simulated network: every run depends on the seed (its delivery order), and another seed is another search. */
  readonly capabilities: TargetCapabilities;

  /** One run with its trace on (`ldfi replay --trace`): the trace and the result of the same execution. */
  async trace(faults: FaultSet): Promise<{ trace: SimTraceFile; result: RunResult }> {
    const exec = this.simulate(faults, true);
    return { trace: simTraceFile(this, [...faults], exec), result: this.resultOf(faults, exec, { lineage: false }) };
  }

  /** The same protocol and bounds on another seed (a seed sweep). */
  withSeed(seed: string): SimTarget {
    return new SimTarget(this.protocol, this.files, this.contentHash, this.bounds, seed, this.stateAudit);
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
    const maxDelay = opts.maxDelay ?? d.maxDelay ?? 0;
    const audit = auditWatched(protocol);
    // By default every kind that can change a run; cuts of the network only where a node hears them
    // (else they are omissions).
    const hears = audit.some((a) => a.hearsConnections && nodes.includes(a.node));
    const applies = (k: FaultKind) => (k === 'disconnect' || k === 'partition' ? hears : true);
    const kinds = codeKinds(opts.faultKinds ?? d.faultKinds, { maxDelay, unit: 'virtual ms', name: protocol.name, what: 'TypeScript protocols', supported: SIM_FAULTS, applies });
    const bounds: Bounds = { eot: opts.eot ?? d.eot, eff: opts.eff ?? d.eff, crashes: opts.crashes ?? d.crashes, nodes, kinds, ...(maxDelay > 0 ? { maxDelay } : {}) };
    const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
    return new SimTarget(protocol, [file], hash, bounds, opts.seed, audit);
  }

  simulate(faults: FaultSet, trace = true): CodeExecution {
    return simulate(this.protocol, { eot: this.bounds.eot, seed: this.seed, faults, trace, precise: this.precise });
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
    const { done, slow } = simulateQuick(this.protocol, schedules.map((faults) => this.optionsOf(faults, options)), undefined, this.checker);
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

  /**
   * The fault-free run's outputs, for invariants that compare with it (`sameAsFaultFree`): simulated
   * once per target (a seed), under the run budget, without invariants.
   */
  private faultFree(): RunView['faultFree'] {
    if (!wantsFaultFree(this.protocol.invariants)) return undefined;
    this.faultFreeOutputs ??= { outputs: runView(simulateWatched(this.protocol, this.optionsOf([]))).outputs };
    return this.faultFreeOutputs;
  }
  private faultFreeOutputs: RunView['faultFree'];

  /** The invariants, run inside each run's watchdog: one that never returns cannot hang ldfi. */
  private get checker(): RunChecker {
    const check = new InvariantCheck(this.protocol.invariants);
    const faultFree = this.faultFree();
    return {
      check: (exec) => {
        const watch = { readTimes: false };
        const outcome = check.check(runView(exec, watch, faultFree));
        return watch.readTimes ? { ...outcome, readTimes: true } : outcome;
      },
      stopped: (end, budgetMs) => check.stopped(end, budgetMs),
    };
  }

  private optionsOf(faults: FaultSet, options?: RunOptions): SimOptions {
    const hashes = options?.stateHashes && this.capabilities.stateTraces;
    return { eot: this.bounds.eot, seed: this.seed, faults, trace: false, precise: this.precise, ...(hashes ? { stateHashFrom: lastEffect(faults), untimed: options.stateHashes === 'untimed' } : {}) };
  }

  private resultOf(faults: FaultSet, exec: CodeExecution, options: RunOptions): RunResult {
    return executionResult(exec, faults, this.protocol.invariants, this.bounds, options, this.protocol.runBudgetMs, this.faultFree());
  }
}


/** When a schedule's last fault stops acting: the end of a window, else its time (1 without faults). */
function lastEffect(faults: FaultSet): number {
  let last = 1;
  for (const f of faults) last = Math.max(last, 'end' in f ? f.end + 1 : f.time);
  return last;
}

/** The audit of each node's state, under the run budget: a `node(id)` that never returns must not hang ldfi. */
function auditWatched(protocol: Protocol): NodeStateAudit[] {
  let audit: NodeStateAudit[] | undefined;
  const budget = protocol.runBudgetMs ?? DEFAULT_RUN_BUDGET_MS;
  runWatched(() => {
    audit = auditNodeState(protocol);
  }, budget);
  return audit ?? protocol.nodes.map((node) => ({ node, precise: false, usesRefs: true, why: [{ message: `building its handlers did not end within ${budget.toLocaleString('en-US')} ms` }] }));
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
  // A list with a hole (`[a, , b]`) or a bare value is not a workload item either.
  for (const [i, w] of q.workload!.entries()) {
    if (!w || typeof w !== 'object') bad(`workload item ${i + 1} is ${w === undefined ? 'missing (a hole in the list?)' : JSON.stringify(w)}, not { at, node, value }`);
    if (!q.nodes!.includes(w.node)) bad(`the workload gives input to '${w.node}', which is not a node`);
    if (!Number.isInteger(w.at) || w.at < 1) bad(`a workload item is at ${w.at}; times are whole ms from 1`);
  }
  return q as Protocol;
}

