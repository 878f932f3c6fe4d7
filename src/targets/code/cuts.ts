import type { Bounds } from '../../model/bounds.ts';
import { apart, bipartitions, compareInTime, cutEnds, cutsLink, isCut, sameLinks, type Cut, type Fault, type FaultSet } from '../../model/faults.ts';
import { faultModel } from '../../model/fault-model.ts';
import type { CodeExecution } from './execution.ts';

/**
 * The cuts of the network worth trying on a run (sim): dropped connections (`disconnect`, both ways)
 * and partitions, each offered once per class of start times, ending at once (`RunWindows` says
 * which later end, and which later start, can change the run).
 *
 * Why one start per class: a cut acts through the messages it drops (those sent across it in its
 * window) and through the handler calls at its ends (`onConnectionLost` at the start, before the
 * other events of that ms; `onConnectionRestored` after the end). Two starts with no event of an end
 * node and no message across the cut between them give the same run, unless the handler call acts or
 * reads the clock — which only the run with the cut shows (`RunWindows.cutStartNext`). A class is
 * named by its earliest start the schedule admits: after the set's last fault in time order (the
 * footprint search adds faults in that order), and not touching another cut of the same links
 * (windows of one link, or of the network, are apart by at least one ms).
 *
 * Every cut names the handler calls it causes at nodes that hear connections (`cutCalls`): where
 * none does, or all of those calls are known to do nothing, a cut is only the omissions it makes,
 * which the search skips when it covers those omissions (`FootprintPoint.inertIf`).
 */
export function cutCandidates(exec: CodeExecution, faults: FaultSet, bounds: Bounds): Cut[] {
  const model = faultModel(bounds);
  const last = faults.length ? [...faults].sort(compareInTime)[faults.length - 1] : undefined;
  const out: Cut[] = [];
  // Where messages take given links (tcp), a cut is what it crosses of them: a cut crossing none does
  // nothing, and of cuts crossing the same links only the first is offered (a dropped connection
  // before the partitions that amount to it), since they make the same runs.
  const crossed = new Set<string>();
  const worth = (shape: Cut): boolean => {
    if (!exec.links) return true;
    const key = exec.links
      .filter(([a, b]) => cutsLink(shape, a, b))
      .map(([a, b]) => (a < b ? `${a}|${b}` : `${b}|${a}`))
      .sort()
      .filter((k, i, all) => i === 0 || all[i - 1] !== k)
      .join(' ');
    if (key === '' || crossed.has(key)) return false;
    crossed.add(key);
    return true;
  };
  const offer = (shape: Cut) => {
    if (!worth(shape)) return;
    const boundary = startBoundaries(exec, faults, shape);
    const others = faults.filter((f): f is Cut => isCut(f) && sameLinks(f, shape));
    let offered = false;
    for (let s = 1; model.canCut(shape.kind, s, s); s++) {
      if (boundary(s)) offered = false;
      if (offered) continue;
      const cut = { ...shape, start: s, end: s };
      if (last && compareInTime(last, cut) >= 0) continue;
      if (!apart(cut, others)) continue;
      out.push(cut);
      offered = true;
    }
  };
  const nodes = bounds.nodes;
  if (model.searches('disconnect')) {
    for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) offer({ kind: 'disconnect', from: nodes[i], to: nodes[j], both: true, start: 0, end: 0 });
  }
  if (model.searches('partition')) for (const groups of bipartitions(nodes)) offer({ kind: 'partition', groups, start: 0, end: 0 });
  return out;
}

/**
 * The handler calls a cut causes at nodes with connection handlers (`node|handler|peer`; `hears`):
 * each such end node hears, for each peer across the cut, the connection drop and the heal. A cut all
 * of whose calls are inert (none at all, where no end node hears) is only the omissions it makes
 * (`FootprintPoint.inertIf`).
 */
export function cutCalls(cut: Cut, hears: ReadonlySet<string>): string[] {
  const ends = cutEnds(cut);
  const out: string[] = [];
  for (const self of ends) {
    if (!hears.has(self)) continue;
    for (const peer of ends) {
      if (peer === self || !cutsLink(cut, self, peer)) continue;
      out.push(`${self}|onConnectionLost|${peer}`, `${self}|onConnectionRestored|${peer}`);
    }
  }
  return out;
}

/**
 * The connection calls of a run that do nothing in any state (`RunResult.inertCalls`): at a node
 * without connection handlers, every one; at a node whose state is all tracked, one that read
 * nothing, changed nothing, did nothing and read no clock (its behaviour is a function of its
 * trigger and reads alone). None from a run that ended in an error.
 */
export function inertConnectionCalls(exec: CodeExecution): string[] {
  if (exec.error) return [];
  const hears = new Set(exec.hearsConnections ?? []);
  const timed = new Set(exec.audit.entries.filter((e) => e.kind === 'clock' || e.kind === 'random').map((e) => `${e.by}|${e.t}`));
  const out = new Set<string>();
  for (const i of exec.invocations) {
    if (!i.trigger || !('peer' in i.trigger)) continue;
    const inert = !hears.has(i.node) || (i.precise && i.reads.length === 0 && i.writes.length === 0 && !i.acted && !timed.has(`${i.node}|${i.at}`));
    if (inert) out.add(`${i.node}|${i.handler}|${i.trigger.peer}`);
  }
  return [...out];
}

/**
 * Where a new class of start times begins for a cut of this shape: 1; the ms after each event of an
 * end node (what its handler reads changed); each send across the cut (a start there drops it, a
 * later one does not); each failure of an end node (down, back up: whether it hears the cut).
 */
function startBoundaries(exec: CodeExecution, faults: FaultSet, shape: Cut): (start: number) => boolean {
  // Opaque ends (tcp): when a process heard the reset may show in anything it does later.
  if (exec.connectionsOpaque) return () => true;
  const ends = new Set(cutEnds(shape));
  const out = new Set([1]);
  for (const i of exec.invocations) if (ends.has(i.node)) out.add(i.at + 1);
  for (const m of exec.messages) if (m.ref.from !== m.ref.to && cutsLink(shape, m.ref.from, m.ref.to)) out.add(m.ref.sentAt);
  for (const f of faults as readonly Fault[]) {
    if (f.kind === 'crash' && ends.has(f.node)) out.add(f.time);
    if (f.kind === 'restart' && ends.has(f.node)) out.add(f.start).add(f.end + 1);
  }
  return (s) => out.has(s);
}
