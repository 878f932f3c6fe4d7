import { idleSlotFaults } from '../injector/effect.ts';
import { apart, compareInTime, faultKey, faultSetKey, faultStart, isCut, isNodeFailure, isSubsetOf, sameLinks, type Cut, type Fault, type FaultSet } from '../model/faults.ts';
import type { FootprintPoint, RunOptions, RunResult } from '../model/target.ts';
import type { SearchRecorder } from './recorder.ts';
import type { RunRecord, SearchResult } from './result.ts';
import { brokenOutcomes } from '../lineage/evaluate.ts';
import { mergeLineage } from '../lineage/merge.ts';
import { witnessSupport } from '../lineage/supports.ts';
import type { LineageGraph } from '../model/lineage.ts';
import { violates } from './shrink.ts';
import { faultModel, type FaultModel } from '../model/fault-model.ts';

/** Hypotheses handed to the target at once (targets that run several under one watchdog). */
const BATCH = 64;

/** A run the search has made, kept for the next size: its faults and its footprint. */
interface Explored {
  readonly faults: readonly Fault[];
  readonly footprint: readonly FootprintPoint[];
  /** How promising the path to it was: the sum of its faults' ranks in their parents' runs. */
  readonly score: number;
  /** The good outcomes its last fault attacked (cut their support in its parent's run). */
  readonly attacked?: readonly string[];
  /**
   * From this time on the run goes on as another run already made (the same whole state at the same
   * time, `StateRegistry`): its extensions by faults after it are that run's, and are not built here.
   */
  readonly horizon: number;
}

/**
 * LDFI for targets whose nodes are opaque code (sim, tcp). By the conservative rule of negative
 * support, a run stays exactly as it was unless a fault hits its footprint (`RunResult.footprint`),
 * so a hypothesis worth running must add, to a run already made, a fault of that run's footprint.
 * Hypotheses are built that way, smallest first: every fault set of size k+1 worth running extends a
 * run of size k by one footprint fault that comes later in time than all of its faults (a fault cannot
 * change what happened before it, so the footprint up to that time is already known). Each set is
 * reached along one path only, and equivalent sets (an omission of nothing, a crash at another time
 * with none of the node's events between) are never built. When no hypothesis is left, every fault
 * set within the bounds is equivalent to a run made: resilient, as exhaustive search would say.
 *
 * Lineage orders each size: first the faults that wake a silent action (negative support: a timer
 * that found nothing to do because a message arrived) or cut a good outcome's support (positive
 * support), so that counterexamples come early; the order never changes what is covered.
 */
export async function footprintSearch(rec: SearchRecorder, first: RunResult, known: LineageGraph, supportsOf: () => SearchResult['supports']): Promise<SearchResult> {
  const counterexamples: FaultSet[] = rec.counterexamples.map((c) => c.faults);
  // Handler calls known to do nothing in any state: a cut that causes only such calls is the
  // omissions it makes, which the search covers (FootprintPoint.inertIf).
  const inert = new Set<string>();
  const learnInert = (r: RunResult) => {
    for (const k of r.inertCalls ?? []) inert.add(k);
  };
  // Only where the search covers those omissions: omissions searched, and no targeted space that
  // could leave some out.
  const omissionsCovered = faultModel(rec.target.bounds).searches('omit') && !rec.options.restriction;
  const worthOwnRun = (inertIf: readonly string[] | undefined) => !omissionsCovered || !inertIf || !inertIf.every((k) => inert.has(k));
  const end = (status: Parameters<SearchRecorder['finish']>[0]) => rec.finish(status, supportsOf());
  /**
   * Records a run; for "how did I get here", a run that cut every support known so far of a good
   * outcome, and survived, shows the support that saved it, which joins what is known.
   */
  const recordRun = (result: RunResult, ms: number, attacked = brokenOutcomes(known, rec.outcomes, result.faults), deferred?: { index: number; lineage: LineageGraph }[]) => {
    if (attacked.length === 0) return rec.record(result, ms);
    const defeatedBy = attacked
      .map((outcome) => ({ outcome, support: witnessSupport(result.lineage, outcome, result.faults) }))
      .filter((d): d is { outcome: string; support: string[] } => d.support !== undefined);
    if (deferred && defeatedBy.length) {
      const record = rec.record(result, ms, { attacked, defeatedBy, learned: 0 });
      deferred.push({ index: record.index, lineage: result.lineage });
      return record;
    }
    const learned = defeatedBy.length ? mergeLineage(known, result.lineage) : 0;
    return rec.record(result, ms, { attacked, defeatedBy, learned });
  };
  // Runs are compared by state without their times until a run that held shows an invariant reads
  // one; then the sizes are built again comparing exact states, the runs made so far made again
  // without being recorded twice.
  let mode: 'untimed' | 'exact' | false = rec.target.capabilities.stateTraces && rec.options.compareStates ? (first.readTimes ? 'exact' : 'untimed') : false;
  // A probe the sizes reach again (a single crash) is not run twice.
  const made = new Map<string, RunResult>();
  const probed = await probe(rec, first, counterexamples, mode, (result, ms) => {
    made.set(faultSetKey(result.faults), result);
    return recordRun(result, ms);
  });
  if (probed) return end(probed);
  const recorded = new Set<string>();
  // The fault-free run was compared without times: made again when exact states are wanted.
  let again = mode === 'exact';
  for (;;) {
    try {
      const status = await sizes(mode, again, recorded);
      return end(status);
    } catch (e) {
      if (!(e instanceof TimesRead)) throw e;
      mode = 'exact';
      again = true;
      made.clear();
    }
  }

  /**
   * The sizes, smallest first. `again`: the fault-free run is made again (for its exact states);
   * `silent`: fault sets already recorded, made again but not recorded twice.
   */
  async function sizes(stateHashes: typeof mode, again: boolean, silent: Set<string>): Promise<Parameters<SearchRecorder['finish']>[0]> {
    const states = new StateRegistry();
    const root = again ? (await rec.execute([], { lineage: false, footprint: true, stateHashes })).result : first;
    let level: Explored[] = [{ faults: [], footprint: root.footprint ?? [], score: 0, horizon: states.horizonOf(root.stateTrace) }];
    const crashBudget = rec.target.bounds.crashes;
    while (level.length > 0) {
      const next: Explored[] = [];
      const pending = extensions(level, crashBudget, (f, inertIf) => rec.options.allows(f) && worthOwnRun(inertIf));
      // The sets of this size already queued: a later restart end is not queued twice.
      const queued = new Set(pending.map((h) => faultSetKey(h.faults)));
      // What a size teaches the explanation joins what is known when the size is done: within it, every
      // hypothesis is judged against the same supports, however the size was cut into batches.
      const deferred: { index: number; lineage: LineageGraph }[] = [];
      const learn = () => {
        for (const d of deferred.splice(0)) rec.setLearned(d.index, mergeLineage(known, d.lineage));
      };
      let i = 0;
      while (i < pending.length) {
        rec.notePending(pending.length - i);
        if (rec.interrupted) return (learn(), 'interrupted');
        if (!rec.budgetLeft) return (learn(), 'budget-exhausted');
        // A batch of hypotheses, run back to back (cheaper for targets that can), none a superset of a
        // counterexample found so far, none beyond the run budget; a probe made earlier is not run again.
        const entries: { k: number; probe?: RunResult }[] = [];
        const room = rec.options.maxRuns - rec.runs.length;
        // As many as the target is best handed (worker threads want more); the result is the same.
        const batch = rec.target.batchSize ?? BATCH;
        for (let toRun = 0; i < pending.length && toRun < batch && toRun < room; i++) {
          if (counterexamples.some((c) => isSubsetOf(c, pending[i].faults))) continue;
          const probe = made.get(faultSetKey(pending[i].faults));
          entries.push({ k: i, probe });
          if (!probe) toRun++;
        }
        const toRun = entries.filter((e) => !e.probe).map((e) => e.k);
        // Lineage (for the explanation) only when a hypothesis cuts every known support of an outcome.
        const attacks = new Map(toRun.map((k) => [k, brokenOutcomes(known, rec.outcomes, pending[k].faults)]));
        const lineage = [...attacks.values()].some((a) => a.length > 0);
        const results = toRun.length ? await rec.executeMany(toRun.map((k) => pending[k].faults), { lineage, footprint: true, stateHashes }) : [];
        let r = 0;
        for (const { k, probe } of entries) {
          const hypothesis = pending[k];
          if (probe) {
            if (stateHashes === 'untimed' && probe.readTimes && !violates(probe)) throw new TimesRead();
            next.push({ faults: hypothesis.faults, footprint: probe.footprint ?? [], score: hypothesis.score, attacked: hypothesis.attacked, horizon: states.horizonOf(probe.stateTrace) });
            continue;
          }
          if (r === results.length) {
            // The target ran a prefix of the batch; the rest comes again.
            i = k;
            break;
          }
          const { result, ms } = results[r++];
          learnInert(result);
          // A restart that ended at once (a delay as short as changes anything), or at the last end that
          // changed the run: the next end that can.
          for (const later of laterWindows(hypothesis.faults, result, faultModel(rec.target.bounds), worthOwnRun)) {
            const key = faultSetKey(later);
            if (queued.has(key)) continue;
            queued.add(key);
            pending.push({ ...hypothesis, faults: later });
          }
          if (counterexamples.some((c) => isSubsetOf(c, hypothesis.faults))) continue;
          const key = faultSetKey(hypothesis.faults);
          if (!silent.has(key)) {
            rec.hypotheses++;
            recorded.add(key);
            const record = recordRun(result, ms, attacks.get(k), deferred);
            if (violates(result)) {
              const cex = await rec.counterexample(result, record.index);
              counterexamples.push(cex.faults);
              if (!rec.options.findAll) return (learn(), 'counterexample');
              continue;
            }
          } else if (violates(result)) continue;
          // A run that held and read a time: runs cannot be compared without their times after all.
          if (stateHashes === 'untimed' && result.readTimes) throw new TimesRead();
          next.push({ faults: hypothesis.faults, footprint: result.footprint ?? [], score: hypothesis.score, attacked: hypothesis.attacked, horizon: states.horizonOf(result.stateTrace) });
        }
      }
      learn();
      level = next;
    }
    return 'resilient';
  }
}

/** Thrown when an invariant of a run that held read a time while runs were compared without times. */
class TimesRead extends Error {}

/**
 * Before the sizes, a few deep probes, one run each: for each channel, every message on it lost
 * until EFF (a link down for the whole window of finite failures, retransmissions included),
 * channels that wake silent actions first; then for each node, every message to and from it lost
 * until EFF (the node cut off, as by a partition); interleaved with them, one crash per node, the one
 * that cuts the fewest other nodes' outputs (a crash that stops everything rarely violates
 * anything). A violation that needs several losses in a row (consecutive heartbeats, each
 * retransmission of an acknowledgement) is found in a handful of runs instead of after every smaller
 * set; the omissions of nothing are dropped (the run is the same without them) and shrinking keeps
 * only the faults needed. Probes only reorder: the sizes that follow cover everything.
 * Returns how the search ends if it ends here.
 */
async function probe(
  rec: SearchRecorder,
  first: RunResult,
  counterexamples: FaultSet[],
  stateHashes: RunOptions['stateHashes'],
  recordRun: (result: RunResult, ms: number) => RunRecord,
): Promise<'counterexample' | 'interrupted' | 'budget-exhausted' | undefined> {
  const b = rec.target.bounds;
  const lastOmission = faultModel(b).lastLoss;
  const window = (from: string, to: string): Fault[] => Array.from({ length: Math.max(0, lastOmission) }, (_, i) => ({ kind: 'omit', from, to, time: i + 1 }));
  const channels = new Map<string, { from: string; to: string; rank: number; slack: number }>();
  for (const p of first.footprint ?? []) {
    if (p.fault.kind !== 'omit') continue;
    const key = `${p.fault.from}|${p.fault.to}`;
    const c = channels.get(key) ?? { from: p.fault.from, to: p.fault.to, rank: 0, slack: Infinity };
    channels.set(key, { ...c, rank: Math.max(c.rank, rankOf(p)), slack: Math.min(c.slack, p.slack ?? Infinity) });
  }
  // Only the kinds the search covers: a probe must not bring in a fault the bounds leave out.
  const model = faultModel(b);
  const losses: Fault[][] = model.searches('omit') ? [...channels.values()].sort((x, y) => y.rank - x.rank || x.slack - y.slack).map((c) => window(c.from, c.to)) : [];
  // Isolating a node differs from a channel only with at least two peers.
  if (b.nodes.length > 2 && model.searches('omit')) {
    for (const node of b.nodes) losses.push(b.nodes.filter((n) => n !== node).flatMap((peer) => [...window(node, peer), ...window(peer, node)]));
  }
  const crashes: Fault[][] = [];
  if (b.crashes > 0 && model.searches('crash')) {
    const points = (first.footprint ?? []).filter((p) => p.fault.kind === 'crash' && p.cuts > 0);
    points.sort((x, y) => x.cuts - y.cuts || faultStart(x.fault) - faultStart(y.fault));
    const seen = new Set<string>();
    for (const p of points) {
      if (p.fault.kind !== 'crash' || seen.has(p.fault.node)) continue;
      seen.add(p.fault.node);
      crashes.push([p.fault]);
    }
  }
  const probes: Fault[][] = [];
  for (let k = 0; k < Math.max(losses.length, crashes.length); k++) {
    if (k < losses.length) probes.push(losses[k]);
    if (k < crashes.length) probes.push(crashes[k]);
  }
  for (const raw of probes) {
    const faults = raw.filter(rec.options.allows).sort(compareInTime);
    if (faults.length === 0 || counterexamples.some((c) => isSubsetOf(c, faults))) continue;
    if (rec.interrupted) return 'interrupted';
    if (!rec.budgetLeft) return 'budget-exhausted';
    rec.hypotheses++;
    const { result, ms } = await rec.execute(faults, { lineage: true, footprint: true, stateHashes });
    const record = recordRun(result, ms);
    if (violates(result)) {
      const cex = await rec.counterexample(effectiveOnly(result), record.index);
      counterexamples.push(cex.faults);
      if (!rec.options.findAll) return 'counterexample';
    }
  }
  return undefined;
}

/**
 * The states runs of the search reached at each time (after their last fault), as hashes of the
 * whole state (`RunResult.stateTrace`). A run that reaches, at time t, the state another run was in
 * at t goes on exactly as that one from then on — under any later faults too, and with the same
 * outputs so far: the search is deterministic in the state. So its extensions by faults after t are
 * equivalent to that run's, which the search builds (or hands on, the same way, to the run it met in
 * turn): it builds only extensions up to t. A run registers the states it was in up to that time,
 * each for the stretch until its next event (the state does not change between events).
 */
class StateRegistry {
  private readonly byHash = new Map<string, { start: number; end: number }[]>();

  /** The run's horizon: the first time it is in a state already registered (Infinity if never); registers its states before that. */
  horizonOf(trace: RunResult['stateTrace']): number {
    if (!trace) return Infinity;
    let i = 0;
    for (; i < trace.length; i++) {
      const { t, h } = trace[i];
      if (this.byHash.get(h)?.some((s) => s.start <= t && t < s.end)) break;
    }
    for (let j = 0; j < i; j++) {
      const stretch = { start: trace[j].t, end: j + 1 < trace.length ? trace[j + 1].t : Infinity };
      const list = this.byHash.get(trace[j].h);
      if (list) list.push(stretch);
      else this.byHash.set(trace[j].h, [stretch]);
    }
    return i < trace.length ? trace[i].t : Infinity;
  }
}

/** The run with only the faults that acted on it: an omission that dropped no message changes nothing. */
function effectiveOnly(result: RunResult): RunResult {
  const idle = new Set(idleSlotFaults(result.faults, result.messages));
  return { ...result, faults: result.faults.filter((f) => !idle.has(f)) };
}

/** The hypotheses one fault larger than the runs of `level`, most promising first. */
function extensions(level: readonly Explored[], crashBudget: number, allows: (f: Fault, inertIf?: readonly string[]) => boolean): { faults: Fault[]; score: number; attacked?: readonly string[] }[] {
  const out: { faults: Fault[]; score: number; attacked?: readonly string[]; again: number; rank: number; slack: number; order: number }[] = [];
  for (const parent of level) {
    const last = parent.faults[parent.faults.length - 1];
    const crashes = parent.faults.filter(isNodeFailure).length;
    for (const point of parent.footprint) {
      if (!allows(point.fault, point.inertIf)) continue;
      if (last && compareInTime(last, point.fault) >= 0) continue;
      // Past its horizon the parent goes on as another run, whose extensions cover these.
      if (faultStart(point.fault) > parent.horizon) continue;
      if (isNodeFailure(point.fault) && crashes >= crashBudget) continue;
      const rank = rankOf(point);
      // LDFI's step: an outcome the parent attacked survived by another support; cut that one next.
      // The same value output at another node (a replica's copy) is another support of the same fact.
      const attackedValues = new Set((parent.attacked ?? []).map(valueOf));
      const again = point.cutOutcomes?.some((o) => attackedValues.has(valueOf(o))) ? 1 : 0;
      out.push({ faults: [...parent.faults, point.fault], score: parent.score + rank, attacked: point.cutOutcomes, again, rank, slack: point.slack ?? Infinity, order: out.length });
    }
  }
  return out.sort((a, b) => b.again - a.again || b.rank - a.rank || a.slack - b.slack || b.score - a.score || a.order - b.order);
}

/**
 * For each restart and each delay of a hypothesis, the same hypothesis with that restart ending, or
 * that delay lasting, until the next end that can change the run, if any (`RunResult.restartNext`,
 * `delayNext`, of this very run: faults that come later than its start may bring the node or the
 * receiver an event meanwhile, so every one of the set is asked, not only the last). Ends in between
 * give the same run. An invariant that reads times could tell the new incarnation's start time
 * apart, so then every end of a restart is its own.
 */
function laterWindows(faults: readonly Fault[], result: RunResult, model: FaultModel, worthOwnRun: (inertIf?: readonly string[]) => boolean): Fault[][] {
  const out: Fault[][] = [];
  const replaced = (i: number, g: Fault) => faults.map((h, j) => (j === i ? g : h));
  faults.forEach((f, i) => {
    if (isCut(f) && model.searches(f.kind)) {
      const next = result.cutNext?.[faultKey(f)];
      // Inert everywhere: the same cut at any window is the omissions it makes.
      if (!worthOwnRun(next?.inertIf)) return;
      const others = faults.filter((g): g is Cut => isCut(g) && g !== f && sameLinks(g, f));
      const fits = (g: Cut) => model.canCut(g.kind, g.start, g.end) && apart(g, others);
      const end = next?.end;
      if (typeof end === 'number' && end > f.end && fits({ ...f, end })) out.push(replaced(i, { ...f, end }));
      // A later start only for the set's last fault, whose start the path chose last.
      const start = next?.start;
      if (i === faults.length - 1 && f.start === f.end && typeof start === 'number' && start > f.start && fits({ ...f, start, end: start })) out.push(replaced(i, { ...f, start, end: start }));
      return;
    }
    let longer: Fault | undefined;
    if (f.kind === 'restart' && model.searches('restart')) {
      const next = result.readTimes ? f.end + 1 : result.restartNext?.[faultKey(f)];
      if (typeof next === 'number' && next > f.end && model.canRestart(f.start, next)) longer = { ...f, end: next };
    } else if (f.kind === 'delay' && model.searches('delay')) {
      const next = result.delayNext?.[faultKey(f)];
      if (typeof next === 'number' && next > f.by && model.canDelay(f.time, next)) longer = { ...f, by: next };
    }
    if (longer) out.push(faults.map((g, j) => (j === i ? longer : g)));
  });
  return out;
}

/** An outcome key's value, whatever node output it (`out:node:value#k` → `value`). */
function valueOf(outcome: string): string {
  const m = /^out:[^:]*:(.*)#\d+$/.exec(outcome);
  return m ? m[1] : outcome;
}

/**
 * A restart in an exactly-once window first (a retried message meets a node that forgot acting on
 * it), then negative support (a silent action woken), then positive (an outcome's support cut).
 */
function rankOf(p: FootprintPoint): number {
  return ((p.redoes ?? 0) > 0 ? 4 : 0) + (p.wakes > 0 ? 2 : 0) + (p.cuts > 0 ? 1 : 0);
}
