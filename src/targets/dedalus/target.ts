import { MOLLY_KINDS, searchedKinds } from '../../model/fault-model.ts';
import { createHash } from 'node:crypto';
import { nodeSymmetries, type NodeRenaming } from './symmetry.ts';
import type { TargetCapabilities } from '../../model/target.ts';
import type { Bounds } from '../../model/bounds.ts';
import { isUserError, UserError } from '../../model/errors.ts';
import { expandToOmissions } from '../../injector/faults.ts';
import type { FaultSet } from '../../model/faults.ts';
import { shellQuote } from '../../model/shell.ts';
import { newLineageGraph, type LineageGraph } from '../../model/lineage.ts';
import type { RunOptions, RunResult, StateFact, Target, Violation } from '../../model/target.ts';
import { BUILTIN_CRASH, compileProgram, type CompiledProgram } from './compile.ts';
import { evaluate, type Execution } from './evaluator.ts';
import { loadProgram } from './loader.ts';
import { parseDedalus } from './parser.ts';
import { absentVertexKey, buildLineage } from './provenance.ts';
import { staticDerivable } from './derivable.ts';
import { blockedWays } from './absence.ts';
import { staticDomains } from './domains.ts';
import { inferNodes, invariantOutsideNodes, type InferredNode } from './locations.ts';
import type { Value } from './ast.ts';
import type { NegatedAtom } from './relation.ts';
import { goalKeyOf, type Tuple } from './relation.ts';
import type { BoundsOptions } from '../../model/bounds.ts';

export interface DedalusTargetOptions extends BoundsOptions {
  readonly eot: number;
  readonly eff: number;
  readonly crashes: number;
  negativeSupport: boolean;
  /** Folders to look in for included files after the including file's and the first file's (`-I`). */
  includeDirs?: readonly string[];
}

/** A Molly-style Dedalus program as a target: runs a fault schedule, returns trace and lineage. */
export class DedalusTarget implements Target {
  readonly kind = 'dedalus';
  readonly files: readonly string[];
  readonly includes: readonly string[];
  readonly contentHash: string;
  readonly bounds: Bounds;
  /** Dropped connections and partitions are omissions in the synchronous model; it has no delays. */
  readonly supportedFaults = ['omit', 'crash', 'disconnect', 'partition'] as const;
  readonly compiled: CompiledProgram;
  /** A program's run depends on its schedule alone: no seed; its outcomes are tuples. */
  readonly capabilities: TargetCapabilities = { seeded: false, reseedable: false, cheapRuns: true, symmetry: true, outcomePatterns: true, causalBaseline: true, traces: false, tuples: true, stateTraces: false };
  private readonly negativeSupport: boolean;
  /** Things worth telling the user that do not stop the run. */
  readonly warnings: string[] = [];
  /** The default node set and the reason for each member; undefined when --nodes chose the nodes. */
  readonly inferredNodes?: readonly InferredNode[];
  /** Include folders, so that a replay line finds the same files. */
  readonly replayOptions: readonly string[];
  get tracksAbsence(): boolean {
    return this.negativeSupport;
  }

  constructor(files: readonly string[], opts: DedalusTargetOptions) {
    const { program, sources, includes } = loadProgram(files, opts.includeDirs);
    this.replayOptions = (opts.includeDirs ?? []).map((d) => `-I ${shellQuote(d)}`);
    this.files = files;
    this.includes = includes;
    this.compiled = compileProgram(program);
    if (!this.compiled.derived.has('pre') && !this.compiled.derived.has('post')) {
      throw new UserError(
        'BAD_PROGRAM',
        `${files.join(', ')}: no invariant: define pre(...) and post(...) rules (at end of time, every pre tuple needs an identical post tuple)`,
      );
    }
    const hash = createHash('sha256');
    for (const [path, text] of sources) hash.update(path.length + ':' + text.length + ':').update(text);
    this.contentHash = hash.digest('hex').slice(0, 16);
    this.inferredNodes = opts.nodes ? undefined : inferNodes(this.compiled);
    const nodes = opts.nodes ? [...new Set(opts.nodes)] : this.inferredNodes!.map((n) => n.node);
    const mentioned = constantsOf(this.compiled);
    const unnamed = nodes.filter((n) => !mentioned.has(n));
    const late = this.compiled.program.facts.filter((f) => f.step !== undefined && f.step > opts.eot);
    if (late.length) {
      const f = late[0];
      this.warnings.push(`${f.pos.file}:${f.pos.line}:${f.pos.column}: ${late.length} fact${late.length === 1 ? '' : 's'} after EOT ${opts.eot} (e.g. @${f.step}) never hold${late.length === 1 ? 's' : ''} in this run`);
    }
    for (const w of undefinedRelations(this.compiled)) this.warnings.push(w);
    if (opts.nodes && unnamed.length === nodes.length) {
      // Not one node of the program: every search would attack nothing and call it resilient.
      const known = inferNodes(this.compiled).map((n) => n.node);
      throw new UserError('BAD_OPTION', `--nodes ${nodes.length > 8 ? `${nodes.slice(0, 8).join(',')},… (${nodes.length} nodes)` : nodes.join(',')}: none of them is named in the program${known.length ? ` (its locations: ${known.join(', ')})` : ''}; a search over them would attack nothing`);
    }
    if (opts.nodes && unnamed.length) {
      // Allowed (a node may only ever receive), but usually a typo.
      this.warnings.push(`--nodes ${unnamed.join(', ')}: not named anywhere in the program`);
    }
    if (nodes.length === 0) {
      throw new UserError('BAD_PROGRAM', `${files.join(', ')}: no location sends, receives or crashes (no @async rule reaches a constant); give the nodes with --nodes a,b,c`);
    }
    const unevaluated = invariantOutsideNodes(this.compiled, nodes);
    if (unevaluated) {
      throw new UserError(
        'BAD_PROGRAM',
        `the invariant's ${unevaluated.relation} runs only at ${unevaluated.location}, which is not a node (${nodes.join(', ')}): no run would ever evaluate it; ` +
          `make it run at a node, or add ${unevaluated.location} with --nodes`,
        unevaluated.pos,
      );
    }
    // Molly's model: other kinds reduce to omissions and crashes.
    const kinds = searchedKinds(opts.faultKinds, MOLLY_KINDS, MOLLY_KINDS, 'Dedalus programs, whose model has omissions and crashes');
    this.bounds = { eot: opts.eot, eff: opts.eff, crashes: opts.crashes, nodes, kinds };
    this.negativeSupport = opts.negativeSupport;
  }

  private symmetriesFound?: readonly NodeRenaming[];

  /** The node renamings that leave the program (facts, rules, invariants) as it is; found once, when asked. */
  get symmetries(): readonly NodeRenaming[] {
    this.symmetriesFound ??= nodeSymmetries(this.compiled.program, this.bounds.nodes);
    return this.symmetriesFound;
  }

  execute(faults: FaultSet): Execution {
    return evaluate(this.compiled, { eot: this.bounds.eot, nodes: this.bounds.nodes, faults: expandToOmissions(faults) });
  }

  /**
   * "How did I get here": the lineage of one tuple (`log(c,hello)@4`; without @N, at EOT) in the run
   * of a fault schedule. If the tuple does not hold, the lineage of its absence.
   */
  why(tupleText: string, faults: FaultSet): { root: string; holds: boolean; lineage: LineageGraph } {
    let statements: ReturnType<typeof parseDedalus>;
    try {
      statements = parseDedalus(`${tupleText.trim().replace(/;$/, '')};`, '--tuple');
    } catch (e) {
      // The parser's own words would point into the ';' added above: name the option and an example.
      if (isUserError(e)) throw new UserError('BAD_TUPLE', `--tuple: expected one ground tuple such as 'log(c,hello)@4', got '${tupleText}'`);
      throw e;
    }
    const st = statements[0];
    if (statements.length !== 1 || st.kind !== 'fact') {
      throw new UserError('BAD_TUPLE', `--tuple: expected one ground tuple such as 'log(c,hello)@4', got '${tupleText}'`);
    }
    const { relation, values } = st.fact;
    const step = st.fact.step ?? this.bounds.eot;
    if (step < 1 || step > this.bounds.eot) throw new UserError('BAD_TUPLE', `--tuple: step ${step} is outside the run (1..${this.bounds.eot})`);
    const arity = this.compiled.arity.get(relation);
    if (arity === undefined) throw new UserError('BAD_TUPLE', `--tuple: the program has no relation '${relation}'`);
    if (arity !== values.length) throw new UserError('BAD_TUPLE', `--tuple: ${relation} has ${arity} columns, not ${values.length}`);
    // A location no fact or rule can put a tuple of this relation at: a typo, not an absence to explain.
    const domains = staticDomains(this.compiled);
    const locations = domains(relation, 0);
    if (locations && !locations.some((v) => v === values[0]) && !this.bounds.nodes.includes(String(values[0]))) {
      throw new UserError('BAD_TUPLE', `--tuple: '${String(values[0])}' is not a node (nodes: ${this.bounds.nodes.join(', ')}), and nothing puts ${relation} tuples there`);
    }
    // A constant no fact or rule can put in its column (a typo): an error, not an absence to explain.
    values.forEach((v, i) => {
      const domain = i === 0 ? undefined : domains(relation, i);
      if (domain && domain.length > 0 && !domain.some((d) => d === v)) {
        const close = domain.map(String).filter((d) => nearlyEqual(d, String(v)));
        const known = domain.slice(0, 8).map(String).join(', ');
        throw new UserError('BAD_TUPLE', `--tuple: column ${i + 1} of ${relation} never holds '${String(v)}'${close.length ? ` (did you mean '${close[0]}'?)` : ''}; it holds ${known}${domain.length > 8 ? ', …' : ''}`);
      }
    });
    const exec = this.execute(faults);
    const tuple = exec.steps[step].peek(relation)?.get(values);
    const opts = { negativeSupport: true };
    if (tuple) return { root: tuple.goalKey, holds: true, lineage: buildLineage(this.compiled, exec, [tuple], opts).lineage };
    const built = buildLineage(this.compiled, exec, [], opts, [{ relation, pattern: values, step }]);
    return { root: built.absentKeys[0], holds: false, lineage: built.lineage };
  }

  /**
   * Whether the invariant can never be evaluated within the bounds, and why: no `pre` holds at EOT in
   * the fault-free run, and by negative support (conservative: whatever a fault could make appear, it
   * shows) no fault can make one appear. Undefined when one holds or might, or without negative support.
   */
  neverEvaluated(): string | undefined {
    if (!this.negativeSupport) return undefined;
    const exec = this.execute([]);
    const eot = this.bounds.eot;
    if (exec.steps[eot].peek('pre')?.tuples.length) return undefined;
    const potential = this.potentialViolations(exec);
    const built = buildLineage(this.compiled, exec, [], { negativeSupport: true }, potential.map((w) => w.atom));
    if (built.absentKeys.some((k) => built.lineage.outDegree(k) > 0)) return undefined;
    return this.vacuity(exec);
  }

  /**
   * Before any search: whether no run within the bounds can evaluate the invariant, known statically
   * (derivable.ts: not even with every `notin` ignored and every message delivered can a `pre` tuple
   * hold at EOT), and why. Refused then as bad input before the first hypothesis, however long the
   * search would have been (issue 20: tokens.ded at EOT 7–10 searched for minutes first).
   */
  neverEvaluable(): string | undefined {
    const arity = this.compiled.arity.get('pre');
    const eot = this.bounds.eot;
    if (arity !== undefined && staticDerivable(this.compiled, eot)('pre', new Array(arity).fill(undefined), eot)) return undefined;
    return this.vacuity(this.execute([]));
  }

  /** Why the invariant is never evaluated (no `pre` at EOT): what held earlier, or which rules never fired. */
  private vacuity(exec: Execution): string {
    const eot = this.bounds.eot;
    let early: { label: string; step: number } | undefined;
    for (let step = 1; step < eot && !early; step++) {
      const t = exec.steps[step]?.peek('pre')?.tuples[0];
      if (t) early = { label: t.label, step };
    }
    const rules = this.compiled.rules.filter((r) => r.headRelation === 'pre').map((r) => `${r.source.pos.file}:${r.source.pos.line}`);
    const head = `${this.files[0]}: the invariant is never evaluated: no pre(…) holds at the end of time (EOT ${eot}) in the fault-free run, and no fault within the bounds can make one hold, so no verdict would mean anything`;
    return early
      ? `${head}. ${early.label} holds at step ${early.step} but is gone by EOT ${eot}: pre is checked at the end of time (persist it: pre(X)@next :- pre(X))`
      : `${head}. ${rules.length ? `No rule for pre ever fired (${rules.join(', ')}): check what their bodies need` : 'No rule derives pre'}, or raise --eot`;
  }

  run(faults: FaultSet, options: RunOptions = { lineage: true }): RunResult {
    let exec: Execution;
    try {
      exec = this.execute(faults);
    } catch (e) {
      // Dedalus's own unknown: under these faults the evaluation never reaches a fixpoint, so the
      // invariant cannot be evaluated. Without faults the program itself is wrong (bad input).
      if (faults.length === 0 || !isUserError(e) || e.code !== 'BAD_PROGRAM') throw e;
      return { faults, messages: [], violations: [], unknown: [`the run could not be evaluated: ${e.message}`], invariantChecks: 0, outcomes: [], lineage: newLineageGraph() };
    }
    const end = exec.steps[this.bounds.eot];
    const post = end.peek('post');
    const violations: Violation[] = [];
    for (const p of end.peek('pre')?.tuples ?? []) {
      if (!post?.get(p.values)) {
        violations.push({ key: p.label, message: `${p.label} holds at end of time (${this.bounds.eot}) but post${p.label.slice(3)} does not` });
      }
    }
    const outcomes: Tuple[] = post?.tuples ?? [];
    const pre = end.peek('pre');
    // Per pre tuple, the watched potential violations it realized; `realized` lists them in watch order.
    const realizedBy = new Map<string, string[]>();
    for (const t of pre?.tuples ?? []) {
      const keys = [...(options.watch ?? [])].filter(([, w]) => matches(t.values, (w as Watched).atom.pattern) && !(w as Watched).except.includes(t.label)).map(([k]) => k);
      if (keys.length) realizedBy.set(t.goalKey, keys);
    }
    const hit = new Set([...realizedBy.values()].flat());
    const realized = [...(options.watch?.keys() ?? [])].filter((k) => hit.has(k));
    const preconditions = new Map<string, string>();
    const pres: Tuple[] = [];
    const absentPre: string[] = [];
    for (const o of outcomes) {
      const p = pre?.get(o.values);
      const key = p ? p.goalKey : goalKeyOf('pre', o.values, this.bounds.eot);
      if (p) pres.push(p);
      else absentPre.push(key);
      preconditions.set(o.goalKey, key);
    }
    const potential = options.lineage && this.negativeSupport ? this.potentialViolations(exec) : [];
    const missing = options.lineage && this.negativeSupport ? this.absentGoals(exec, [...(options.explainAbsent ?? []), ...(options.explainPreconditions ? absentPre : [])], options.watch) : [];
    const built = options.lineage
      ? buildLineage(this.compiled, exec, [...outcomes, ...pres], { negativeSupport: this.negativeSupport }, [...potential.map((w) => w.atom), ...missing.map((m) => m.atom)])
      : { lineage: newLineageGraph(), absentKeys: [] };
    const absences = new Map(missing.map((m, i) => [m.goal, built.absentKeys[potential.length + i]]));
    built.absentKeys.length = potential.length;
    // A potential violation with no way to appear (nothing blocks it: nothing derives it) is no outcome.
    const breakable = built.absentKeys.map((k, i) => ({ k, w: potential[i] })).filter(({ k }) => built.lineage.outDegree(k) > 0);
    const watch = new Map(breakable.map(({ k, w }): [string, unknown] => [k, w]));
    return {
      faults,
      messages: exec.messages,
      ...(options.states ? { states: dedalusStates(exec) } : { statesOf: () => dedalusStates(exec) }),
      violations,
      invariantChecks: end.peek('pre')?.tuples.length ?? 0,
      outcomes: [...outcomes.map((t) => t.goalKey), ...breakable.map(({ k }) => k)],
      preconditions,
      realized,
      realizedBy,
      watch,
      absences,
      lineage: built.lineage,
    };
  }

  /**
   * Of `keys` (goals `rel(a,b)@t`, or keys of watched potential violations), those that do not hold in
   * this run, as absences to explain.
   */
  private absentGoals(exec: Execution, keys: readonly string[], watch?: ReadonlyMap<string, unknown>): { goal: string; atom: NegatedAtom }[] {
    const out: { goal: string; atom: NegatedAtom }[] = [];
    for (const goal of keys) {
      const watched = watch?.get(goal) as Watched | undefined;
      if (watched) {
        const { atom, except } = watched;
        const now = exec.steps[atom.step]?.peek(atom.relation)?.tuples ?? [];
        if (!now.some((t) => matches(t.values, atom.pattern) && !except.includes(t.label))) out.push({ goal, atom });
        continue;
      }
      const st = parseDedalus(`${goal};`, '(goal)')[0];
      if (st?.kind !== 'fact' || st.fact.step === undefined) continue;
      const { relation, values, step } = st.fact;
      if (exec.steps[step]?.peek(relation)?.get(values)) continue;
      out.push({ goal, atom: { relation, pattern: values, step } });
    }
    return out;
  }

  /**
   * `pre` tuples absent at end of time that a blocked rule could still derive: faults that unblock
   * one can create a violation no good outcome shows (a timeout fires, a node decides otherwise).
   */
  private potentialViolations(exec: Execution): Watched[] {
    const eot = this.bounds.eot;
    const arity = this.compiled.arity.get('pre');
    if (arity === undefined) return [];
    const present = exec.steps[eot].peek('pre')?.tuples ?? [];
    const seen = new Map<string, Watched>();
    const derivable = staticDerivable(this.compiled, eot);
    for (const way of blockedWays(this.compiled, exec, { relation: 'pre', pattern: new Array(arity).fill(undefined), step: eot })) {
      // A pattern no run under any faults can derive is no potential violation (derivable.ts).
      if (!derivable('pre', way.head, eot)) continue;
      const atom: NegatedAtom = { relation: 'pre', pattern: way.head, step: eot };
      // A pattern may cover pre tuples that are already there: only a new one is a new violation.
      const except = present.filter((t) => matches(t.values, way.head)).map((t) => t.label);
      seen.set(absentVertexKey(atom).key, { atom, except });
    }
    return [...seen.values()];
  }
}

/** Every string constant of the program (to tell a mistyped --nodes entry). */
function constantsOf(cp: CompiledProgram): Set<string> {
  const out = new Set<string>();
  for (const f of cp.program.facts) for (const v of f.values) if (typeof v === 'string') out.add(v);
  for (const r of cp.program.rules) {
    for (const a of [r.head, ...r.body.flatMap((b) => (b.kind === 'atom' ? [b.atom] : []))]) {
      for (const t of a.args) if (t.kind === 'const' && typeof t.value === 'string') out.add(t.value);
    }
  }
  return out;
}

/** A potential violation: `pre` tuples matching `atom` other than those listed (labels) in `except`. */
interface Watched {
  atom: NegatedAtom;
  except: string[];
}

function matches(values: readonly Value[], pattern: readonly (Value | undefined)[]): boolean {
  return pattern.every((p, i) => p === undefined || values[i] === p);
}

/** Every tuple of every step, by step, relation and tuple (the first column is the location). */
function dedalusStates(exec: Execution): StateFact[] {
  const out: StateFact[] = [];
  for (let t = 1; t < exec.steps.length; t++) {
    const step = exec.steps[t];
    if (!step) continue;
    for (const name of [...step.relations.keys()].sort()) {
      for (const tuple of step.relations.get(name)!.tuples) out.push({ time: t, node: String(tuple.values[0]), relation: name, fact: tuple.label });
    }
  }
  return out;
}

/** Within one edit (a letter added, dropped, changed or two swapped): what a typo usually is. */
/**
 * Relations a rule reads that no fact or rule ever gives a tuple (usually a typo): the rule never
 * fires, or its `notin` always holds. One warning per relation, at its first use.
 */
function undefinedRelations(c: CompiledProgram): string[] {
  const defined = new Set<string>([...c.derived, ...c.program.facts.map((f) => f.relation), BUILTIN_CRASH]);
  const out: string[] = [];
  const named = new Set<string>();
  for (const r of c.program.rules) {
    for (const lit of r.body) {
      if (lit.kind !== 'atom' || defined.has(lit.atom.relation) || named.has(lit.atom.relation)) continue;
      named.add(lit.atom.relation);
      const near = [...defined].find((d) => d !== BUILTIN_CRASH && nearlyEqual(d, lit.atom.relation));
      const p = lit.atom.pos;
      const effect = lit.negated ? `notin ${lit.atom.relation} always holds` : `the rule for ${r.head.relation} at line ${r.pos.line} never fires`;
      out.push(`${p.file}:${p.line}:${p.column}: no fact or rule gives ${lit.atom.relation} a tuple${near ? ` (did you mean ${near}?)` : ''}, so ${effect}`);
    }
  }
  return out;
}

function nearlyEqual(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const rest = (x: string, y: string) => x.slice(i + 1) === y.slice(i + 1) || x.slice(i + 1) === y.slice(i) || x.slice(i) === y.slice(i + 1);
  const swapped = a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  return rest(a, b) || swapped;
}
