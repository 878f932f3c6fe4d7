import { runVerdict } from '../model/run-verdict.ts';
import type { FaultSet } from '../model/faults.ts';
import type { LineageGraph, LineageVertex } from '../model/lineage.ts';
import type { MessageRecord, StateFact } from '../model/target.ts';
import { PACKED_MESSAGES, type PackedRuns } from './packed.ts';
import type { SearchRecorder } from './recorder.ts';
import { eachRun, type SearchResult } from './result.ts';

/** Runs drawn in a report at most, beyond the fault-free run and the counterexamples (the first runs made, within the message budget below). */
export const DRAWN_RUNS = 500;
/** Messages of runs drawn in the page at most, over all of them (each is about 0.8 KB of page; the other runs are packed, about 15 bytes a message, and drawn by the page script on demand). */
export const DRAWN_MESSAGES = 1_000;
/** Vertices of one outcome's lineage drawn at most (the nearest to the outcome first). */
export const LINEAGE_VERTICES = 150;

/** One run as reports draw it: its messages and, for the runs that matter most, its state over time. */
export interface DrawnRun {
  /** `run-N` for the N-th run of the search, `cex-J` for counterexample J shrunk, `cex-J-step-K` for its shrink steps. */
  readonly key: string;
  /** The search's run number, for runs of the search. */
  readonly runIndex?: number;
  readonly faults: FaultSet;
  readonly violated: boolean;
  readonly messages: readonly MessageRecord[];
  /** Inputs, outputs or tuples by time (the fault-free run and the counterexamples). */
  readonly states?: readonly StateFact[];
}

/** A vertex of a drawn lineage: the lineage graph's own attributes and its key. */
export type DrawnVertex = LineageVertex & { readonly id: string };

/** The derivation graph of one good outcome, cut at `LINEAGE_VERTICES` (breadth first from the outcome). */
export interface OutcomeLineage {
  readonly outcome: string;
  readonly vertices: readonly DrawnVertex[];
  /** Edges from a vertex to what it depends on. */
  readonly edges: readonly (readonly [string, string])[];
  /** Vertices left out by the cut (at least: what lies beyond them was not visited). */
  readonly truncated: number;
}

/** What reports draw beyond the verdict: runs, shrink steps, state over time and lineage. */
export interface ReportDetails {
  readonly runs: readonly DrawnRun[];
  readonly lineage: readonly OutcomeLineage[];
  /** The messages of the runs not in `runs`, for a page to draw when asked (absent: none). */
  readonly packed?: PackedRuns;
  /** The limits that chose what is drawn (runs beyond them are listed with their replay line). */
  readonly limits: { readonly runs: number; readonly messages: number; readonly lineageVertices: number; readonly packedMessages?: number };
  /** Set when gathering the details failed (a bug of ldfi): the verdict stands, the drawings are missing. */
  readonly error?: string;
}

export function emptyLimits(): ReportDetails['limits'] {
  return { runs: DRAWN_RUNS, messages: DRAWN_MESSAGES, lineageVertices: LINEAGE_VERTICES, packedMessages: PACKED_MESSAGES };
}

/**
 * Gathers the details of a finished search. With `rerun`, the fault-free run is made again for its
 * lineage and states, and each counterexample for its states (targets are deterministic, so these
 * are the runs the search made); without (Ctrl-C, an internal error), only what was recorded.
 */
export async function collectDetails(rec: SearchRecorder, result: SearchResult, rerun: boolean): Promise<ReportDetails> {
  const runs: DrawnRun[] = [];
  const faultFree = rerun ? await rec.target.run([], { lineage: true, states: true }) : undefined;
  // States of every drawn run where runs are cheap; of real processes, only the fault-free run's.
  const cheap = rec.target.capabilities.cheapRuns;
  for (const run of eachRun(result)) {
    // Drawn runs are among the first (the rest may be on disk: read no further).
    if (run.index > DRAWN_RUNS) break;
    const messages = run.index === 1 && faultFree && run.faults.length === 0 ? faultFree.messages : rec.drawnMessages.get(run.index);
    if (!messages) continue;
    const states = run.index === 1 && faultFree && run.faults.length === 0 ? faultFree.states : rerun && cheap ? (await rec.target.run(run.faults, { lineage: false, states: true })).states : undefined;
    runs.push({
      key: `run-${run.index}`,
      runIndex: run.index,
      faults: run.faults,
      violated: runVerdict(run) === 'violated',
      messages,
      ...(states ? { states } : {}),
    });
  }
  for (const [j, c] of result.counterexamples.entries()) {
    const again = rerun ? await rec.target.run(c.faults, { lineage: false, states: true }) : undefined;
    runs.push({ key: `cex-${j + 1}`, faults: c.faults, violated: true, messages: c.messages, ...(again?.states ? { states: again.states } : {}) });
    for (const [k, step] of (c.shrinkSteps ?? []).entries()) {
      const stepStates = rerun && cheap ? (await rec.target.run(step.faults, { lineage: false, states: true })).states : undefined;
      runs.push({ key: `cex-${j + 1}-step-${k + 1}`, faults: step.faults, violated: step.violated, messages: step.messages, ...(stepStates ? { states: stepStates } : {}) });
    }
  }
  const graph = rec.knownLineage ?? faultFree?.lineage;
  const lineage = graph ? result.outcomes.filter((o) => graph.hasNode(o)).map((o) => outcomeLineage(graph, o)) : [];
  return { runs, lineage, ...(rec.packer.size ? { packed: rec.packer.result() } : {}), limits: emptyLimits() };
}

/** The outcome's derivation graph, breadth first, cut at `LINEAGE_VERTICES` (iterative: lineage can be deep). */
function outcomeLineage(g: LineageGraph, outcome: string): OutcomeLineage {
  const seen = new Set<string>([outcome]);
  const queue = [outcome];
  for (let i = 0; i < queue.length; i++) {
    for (const child of g.outNeighbors(queue[i])) {
      if (seen.has(child)) continue;
      seen.add(child);
      if (queue.length < LINEAGE_VERTICES) queue.push(child);
    }
  }
  const kept = new Set(queue);
  const edges: [string, string][] = [];
  for (const v of queue) for (const child of g.outNeighbors(v)) if (kept.has(child)) edges.push([v, child]);
  return {
    outcome,
    vertices: queue.map((id) => ({ ...g.getNodeAttributes(id), id })),
    edges,
    truncated: seen.size - queue.length,
  };
}
