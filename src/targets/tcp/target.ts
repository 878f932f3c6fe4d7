import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkSourceSize } from '../../model/limits.ts';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { probeModuleLoad } from '../load-probe.ts';
import type { Bounds } from '../../model/bounds.ts';
import { codeKinds, FAULT_KINDS } from '../../model/fault-model.ts';
import { OptionError, UserError } from '../../model/errors.ts';
import type { FaultKind, FaultSet } from '../../model/faults.ts';
import type { RunOptions, RunResult, Target, TargetCapabilities, WhyAnswer } from '../../model/target.ts';
import { expectOutputs, type Invariant } from '../code/outputs.ts';
import { executionResult } from '../code/result.ts';
import { wantsFaultFree } from '../code/fault-free.ts';
import { runView } from '../code/view.ts';
import type { RunView } from '../code/outputs.ts';
import { outputRoot, whyOutput } from '../code/why.ts';
import type { SystemSpec } from './api.ts';
import { FRAMINGS } from './framing.ts';
import { framingOf } from './proxy.ts';
import { LOOPBACK } from './ports.ts';
import type { TcpExecution } from './canonical.ts';
import { playRun, startRun, type StartedRun } from './run.ts';
import { traceReader } from './trace-id.ts';
import { tcpTraceFile, type TcpTraceFile } from './trace-file.ts';
import type { BoundsOptions } from '../../model/bounds.ts';

export type TcpTargetOptions = BoundsOptions;

/** Bounds in rounds when neither the system nor the command line gives them. */
export const TCP_DEFAULTS = { eot: 12, eff: 4, crashes: 0 };

/** What Spike applies to real processes: every kind, failed requests where links speak HTTP. */
const TCP_FAULTS: readonly FaultKind[] = ['omit', 'crash', 'disconnect', 'delay', 'restart', 'partition', 'fail', 'reset'];

/** Real processes talking over TCP, behind Spike's proxy, in rounds. */
export class TcpTarget implements Target {
  readonly kind = 'tcp';
  readonly supportedFaults = TCP_FAULTS;
  /** Processes are opaque: the negative support of a run is its footprint, as for sim protocols. */
  readonly tracksAbsence = true;
  readonly footprints = true;
  readonly invariantless?: string;
  readonly warnings?: readonly string[];
  /**
   * Processes whose lineage is conservative: every one without a trace id configured; with one,
   * those seen so far taking an action that carried none (the runs tell).
   */
  get conservativeLineage(): readonly string[] | undefined {
    if (this.system.traceId === undefined) return Object.keys(this.system.nodes);
    return this.untraced.size ? [...this.untraced].sort() : undefined;
  }
  private readonly untraced = new Set<string>();
  /** Real processes: each run costs seconds, so reports draw only what the search recorded. */
  readonly capabilities: TargetCapabilities = { seeded: false, reseedable: false, cheapRuns: false, symmetry: false, outcomePatterns: false, causalBaseline: false, traces: true, tuples: false, stateTraces: false };

  private constructor(
    readonly system: SystemSpec,
    readonly files: readonly string[],
    readonly contentHash: string,
    readonly bounds: Bounds,
  ) {
    const warnings: string[] = [];
    if (system.invariants.length === 0) {
      this.invariantless = `${system.name} has no invariant: no run can violate anything`;
      warnings.push(`${files[0]}: ${this.invariantless}; add invariants (e.g. expectOutputs) to defineSystem`);
    }
    // Real processes are opaque: without a cause id passed along, lineage is the causal past.
    if (system.traceId === undefined) {
      warnings.push(`${files[0]}: lineage of ${system.name} is conservative (a message or output depends on everything its process received before): pass a trace id along in messages and name it with traceId (e.g. 'traceparent') for precise lineage (docs/lineage-for-code.md)`);
    }
    if (warnings.length) this.warnings = warnings;
  }

  /** Loads `ldfi.tcp.ts` (default export `defineSystem(...)`) or a JSON system. Throws `UserError` for a bad file. */
  static async open(file: string, opts: TcpTargetOptions = {}): Promise<TcpTarget> {
    let text: string;
    checkSourceSize(file, 'system file');
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new UserError('FILE', `cannot read system file ${file}: no such file`);
    }
    let raw: unknown;
    if (file.endsWith('.json')) {
      try {
        raw = fromJson(JSON.parse(text), file);
      } catch (e) {
        if (e instanceof UserError) throw e;
        throw new UserError('SYNTAX', `${file}: not JSON: ${(e as Error).message}`);
      }
    } else {
      // A system file whose top-level code never ends must not hang ldfi: tried in a worker first.
      await probeModuleLoad(file, text);
      try {
        const mod = (await tsImport(pathToFileURL(resolve(file)).href, import.meta.url)) as Record<string, unknown>;
        const d = mod.default as Record<string, unknown> | undefined;
        raw = d && 'nodes' in d ? d : (d?.default ?? mod.system);
      } catch (e) {
        const message = String((e as Error)?.message ?? e);
        const located = /^(.*?:\d+:\d+): ERROR: (.*)$/m.exec(message);
        if (located) throw new UserError('SYNTAX', `${located[1]}: ${located[2]}`);
        throw new UserError('BAD_PROGRAM', `${file}: cannot load the system: ${message.split('\n')[0]}`);
      }
    }
    const system = checkSystem(raw, file);
    const d = { ...TCP_DEFAULTS, ...system.defaults };
    const names = Object.keys(system.nodes);
    const nodes = opts.nodes ?? names;
    for (const n of nodes) if (!names.includes(n)) throw new UserError('BAD_OPTION', `--nodes: ${n} is not a node of ${system.name} (${names.join(', ')})`);
    const maxDelay = opts.maxDelay ?? d.maxDelay ?? 0;
    // By default every kind a real process can meet (a restart keeps its data folder, a cut resets
    // the connections across it, which the processes see); request-level faults (a failed request, a
    // reset mid-message) where links speak HTTP, and asked for elsewhere.
    const requestChannels = system.links.filter(([a, b]) => framingOf(system, a, b) === 'http').map(([a, b]) => `${a}|${b}`);
    const applies = (k: FaultKind) => (k === 'fail' || k === 'reset' ? requestChannels.length > 0 : true);
    const asked = opts.faultKinds ?? d.faultKinds;
    if (asked?.includes('fail') && requestChannels.length === 0) throw new OptionError('faultKinds', (n) => `${n('faultKinds', 'fail')}: ${system.name} has no link with HTTP framing; only an HTTP request can fail`);
    const kinds = codeKinds(asked, { maxDelay, unit: 'rounds', name: system.name, what: 'systems of real processes', supported: TCP_FAULTS, applies });
    const failStatuses = opts.failStatuses ?? d.failStatuses;
    if (opts.failStatuses?.length && requestChannels.length === 0) throw new OptionError('failStatuses', (n) => `${n('failStatuses')}: ${system.name} has no link with HTTP framing; only an HTTP request can fail`);
    const bounds: Bounds = {
      eot: opts.eot ?? d.eot,
      eff: opts.eff ?? d.eff,
      crashes: opts.crashes ?? d.crashes,
      nodes,
      kinds,
      ...(maxDelay > 0 ? { maxDelay } : {}),
      ...(requestChannels.length ? { requestChannels } : {}),
      ...(failStatuses?.length ? { failStatuses } : {}),
    };
    const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
    return new TcpTarget(system, [file], hash, bounds);
  }

  /** One run, everything it started stopped before it returns. */
  /** `signal` (Ctrl-C): the run ends at its next round, everything it started stopped. */
  async execute(faults: FaultSet, signal?: AbortSignal): Promise<TcpExecution> {
    const started = this.warm ?? startRun(this.system, this.baseDir);
    this.warm = undefined;
    const run = await started;
    // During a search, the next run's processes start while this one plays its rounds.
    if (this.warming) {
      this.warm = startRun(this.system, this.baseDir);
      // A start that fails is reported by the run that takes it.
      this.warm.catch(() => undefined);
    }
    const exec = await playRun(run, this.bounds.eot, faults, signal);
    for (const node of exec.untraced) this.untraced.add(node);
    return exec;
  }

  /** The next run, started ahead during a search (`beginRuns`): a run is mostly waiting, its start too. */
  private warm: Promise<StartedRun> | undefined;
  private warming = false;

  beginRuns(): void {
    this.warming = true;
  }

  async endRuns(): Promise<void> {
    this.warming = false;
    const warm = this.warm;
    this.warm = undefined;
    if (warm) await warm.then((r) => r.stop(), () => undefined);
  }

  private get baseDir(): string {
    return dirname(resolve(this.files[0]));
  }

  /** One run written down (`ldfi replay --trace`): its trace and its result, of the same processes' run. */
  async trace(faults: FaultSet, signal?: AbortSignal): Promise<{ trace: TcpTraceFile; result: RunResult }> {
    const faultFree = await this.faultFree(signal);
    const exec = await this.execute(faults, signal);
    return { trace: tcpTraceFile(this, [...faults], exec), result: executionResult(exec, faults, this.system.invariants, this.bounds, { lineage: false }, undefined, faultFree) };
  }

  /** "How did I get here" for an output (`node:value`, value as JSON), in the run of `faults`. */
  async why(outputText: string, faults: FaultSet): Promise<WhyAnswer> {
    const root = outputRoot(outputText, this.bounds.nodes);
    return whyOutput(root, await this.execute(faults), /#\d+\s*$/.test(outputText));
  }

  async run(faults: FaultSet, options: RunOptions = { lineage: true }): Promise<RunResult> {
    // The fault-free run is its own baseline: made once, not twice.
    if (faults.length === 0 && wantsFaultFree(this.system.invariants) && !this.faultFreeRun) {
      const exec = await this.execute(faults, options.signal);
      this.faultFreeRun = Promise.resolve({ outputs: runView(exec).outputs });
      return executionResult(exec, faults, this.system.invariants, this.bounds, options, undefined, await this.faultFreeRun);
    }
    const faultFree = await this.faultFree(options.signal);
    const exec = await this.execute(faults, options.signal);
    return executionResult(exec, faults, this.system.invariants, this.bounds, options, undefined, faultFree);
  }

  /** The fault-free run's outputs, for invariants that compare with it (`sameAsFaultFree`): run once. */
  private faultFree(signal?: AbortSignal): Promise<RunView['faultFree']> | undefined {
    if (!wantsFaultFree(this.system.invariants)) return undefined;
    this.faultFreeRun ??= this.execute([], signal).then((exec) => ({ outputs: runView(exec).outputs }));
    return this.faultFreeRun;
  }
  private faultFreeRun: Promise<RunView['faultFree']> | undefined;
}

/**
 * A JSON system: the same fields, with `expectOutputs` given as data instead of code: each input at
 * `from` comes out at `to` exactly once, as itself, or (numbers) times `multiply` plus `add`.
 */
function fromJson(j: Record<string, unknown>, file: string): unknown {
  const bad = (what: string): never => {
    throw new UserError('BAD_PROGRAM', `${file}: ${what}`);
  };
  if (!j || typeof j !== 'object' || Array.isArray(j)) bad('a JSON system is an object: { "name", "nodes", "links", "workload", "expectOutputs", … }');
  if (j.invariants !== undefined) bad('a JSON system cannot hold invariant code; use "expectOutputs": [{ "from", "to", "multiply"?, "add"? }] or an ldfi.tcp.ts');
  const raw = j.expectOutputs ?? [];
  if (!Array.isArray(raw)) bad('"expectOutputs" must be a list of { "from", "to", "multiply"?, "add"? }');
  const checks = raw as Record<string, unknown>[];
  checks.forEach((c, i) => {
    const extra = Object.keys(c ?? {}).filter((k) => !['from', 'to', 'multiply', 'add'].includes(k));
    if (extra.length) bad(`expectOutputs[${i}]: unknown field "${extra[0]}" (fields: from, to, multiply, add; anything else needs an ldfi.tcp.ts)`);
    if (typeof c.from !== 'string' || typeof c.to !== 'string') bad(`expectOutputs[${i}]: "from" and "to" must name nodes`);
    for (const k of ['multiply', 'add']) if (c[k] !== undefined && typeof c[k] !== 'number') bad(`expectOutputs[${i}].${k} must be a number`);
  });
  const invariants: Invariant[] = checks.map((c) => {
    const multiply = c.multiply as number | undefined;
    const add = c.add as number | undefined;
    // Without arithmetic, an output answers an input by being it.
    const expected = multiply === undefined && add === undefined ? (v: unknown) => v : (v: unknown) => Number(v) * (multiply ?? 1) + (add ?? 0);
    return expectOutputs({ from: c.from as string, to: c.to as string, expected });
  });
  const { expectOutputs: _ignored, ...rest } = j;
  return { ...rest, invariants };
}

function checkSystem(s: unknown, file: string): SystemSpec {
  const bad = (what: string): never => {
    throw new UserError('BAD_PROGRAM', `${file}: ${what} (export default defineSystem({ name, nodes, links, workload, invariants }))`);
  };
  if (!s || typeof s !== 'object') return bad('no system exported');
  const q = s as Partial<SystemSpec>;
  const known = ['name', 'nodes', 'links', 'framing', 'workload', 'outputPrefix', 'ticks', 'invariants', 'traceId', 'bind', 'settleMs', 'roundTimeoutMs', 'readyTimeoutMs', 'defaults'];
  const unknown = Object.keys(q).filter((k) => !known.includes(k));
  if (unknown.length) bad(`unknown field "${unknown[0]}" (fields: ${known.join(', ')})`);
  if (typeof q.name !== 'string' || q.name.trim() === '') bad('the system needs a name');
  if (!q.nodes || typeof q.nodes !== 'object' || Object.keys(q.nodes).length === 0) bad('nodes must name at least one process: { name: { command, args } }');
  const names = Object.keys(q.nodes!);
  for (const [n, spec] of Object.entries(q.nodes!)) {
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(n)) bad(`node name '${n}' must start with a letter and hold only letters, digits, - and _`);
    if (!spec || typeof spec.command !== 'string' || spec.command === '') bad(`node ${n} needs a command`);
    const extra = Object.keys(spec).filter((k) => !['command', 'args', 'cwd', 'env', 'readyLine'].includes(k));
    if (extra.length) bad(`node ${n}: unknown field "${extra[0]}" (fields: command, args, cwd, env, readyLine)`);
    if (spec.args !== undefined && (!Array.isArray(spec.args) || !spec.args.every((a) => typeof a === 'string'))) bad(`node ${n}: args must be a list of strings`);
    if (spec.cwd !== undefined && typeof spec.cwd !== 'string') bad(`node ${n}: cwd must be a folder (a string)`);
    if (spec.readyLine !== undefined && typeof spec.readyLine !== 'string') bad(`node ${n}: readyLine must be a string`);
    if (spec.env !== undefined && (!spec.env || typeof spec.env !== 'object' || Array.isArray(spec.env) || !Object.values(spec.env).every((v) => typeof v === 'string'))) bad(`node ${n}: env must map names to strings`);
  }
  if (!Array.isArray(q.links)) bad('links must be a list of [from, to] pairs');
  for (const l of q.links!) {
    if (!Array.isArray(l) || l.length !== 2 || !names.includes(l[0]) || !names.includes(l[1]) || l[0] === l[1]) bad(`link ${JSON.stringify(l)} must join two different nodes of ${names.join(', ')}`);
  }
  if (q.framing !== undefined && typeof q.framing !== 'string' && (!q.framing || typeof q.framing !== 'object' || Array.isArray(q.framing))) bad(`framing must be one of ${FRAMINGS.join(', ')}, or a map from link ('from->to') to one of them`);
  if (q.framing && typeof q.framing === 'object') {
    const links = new Set(q.links!.map(([a, b]) => `${a}->${b}`));
    for (const k of Object.keys(q.framing)) if (!links.has(k)) bad(`framing: '${k}' is not a link ('from->to' of ${[...links].join(', ') || 'no link'})`);
  }
  const framings = typeof q.framing === 'string' ? [q.framing] : Object.values(q.framing ?? {});
  for (const f of framings) if (!FRAMINGS.includes(f)) bad(`framing '${f}' is not one of ${FRAMINGS.join(', ')}`);
  if (!Array.isArray(q.workload)) bad('workload must be a list of { at, node, value }');
  for (const w of q.workload!) {
    if (!w || typeof w !== 'object' || Array.isArray(w)) bad(`a workload item is ${JSON.stringify(w)}; each is { at, node, value }`);
    if (!names.includes(w.node)) bad(`the workload gives input to '${w.node}', which is not a node`);
    if (!Number.isInteger(w.at) || w.at < 1) bad(`a workload item is at round ${w.at}; rounds are whole numbers from 1`);
  }
  if (!Array.isArray(q.invariants) || !q.invariants.every((i) => typeof i === 'function')) bad('invariants must be a list of functions');
  if (q.bind !== undefined && !LOOPBACK.includes(q.bind)) bad(`bind: '${String(q.bind)}' is refused; Spike binds to loopback only (${LOOPBACK.join(' or ')})`);
  if (q.traceId !== undefined) {
    if (typeof q.traceId !== 'string') bad('traceId must be a regular expression (as a string) or "traceparent"');
    try {
      traceReader(q.traceId);
    } catch (e) {
      bad((e as Error).message);
    }
  }
  if (q.ticks !== undefined && typeof q.ticks !== 'boolean') bad('ticks must be true or false');
  if (q.outputPrefix !== undefined && typeof q.outputPrefix !== 'string') bad('outputPrefix must be a string');
  if (q.defaults !== undefined) {
    if (!q.defaults || typeof q.defaults !== 'object' || Array.isArray(q.defaults)) bad('defaults must be { eot?, eff?, crashes?, maxDelay?, faultKinds?, failStatuses? }');
    const extra = Object.keys(q.defaults).filter((k) => !['eot', 'eff', 'crashes', 'maxDelay', 'faultKinds', 'failStatuses'].includes(k));
    if (extra.length) bad(`defaults: unknown field "${extra[0]}" (fields: eot, eff, crashes, maxDelay, faultKinds, failStatuses)`);
    const statuses = q.defaults.failStatuses;
    if (statuses !== undefined && (!Array.isArray(statuses) || !statuses.every((c) => Number.isInteger(c) && c >= 400 && c <= 599))) bad(`defaults.failStatuses must be a list of error statuses (400 to 599), got ${JSON.stringify(statuses)}`);
    const kinds = q.defaults.faultKinds;
    if (kinds !== undefined && (!Array.isArray(kinds) || !kinds.every((k) => typeof k === 'string'))) bad(`defaults.faultKinds must be a list of kinds (${FAULT_KINDS.join(', ')})`);
    for (const [k, least] of [['eot', 1], ['eff', 0], ['crashes', 0], ['maxDelay', 0]] as const) {
      const v = q.defaults[k];
      if (v !== undefined && (!Number.isInteger(v) || v < least)) bad(`defaults.${k} must be a whole number ≥ ${least}, got ${JSON.stringify(v)}`);
    }
  }
  for (const k of ['settleMs', 'roundTimeoutMs', 'readyTimeoutMs'] as const) {
    const v = q[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) bad(`${k} must be a whole number of milliseconds ≥ 1`);
  }
  return q as SystemSpec;
}
