import { errorText } from '../model/errors.ts';
import type { FaultSet } from '../model/faults.ts';
import type { LineageGraph, LineageVertex } from '../model/lineage.ts';
import { runVerdict } from '../model/run-verdict.ts';
import type { MessageRecord, StateFact } from '../model/target.ts';
import { PACKED_MESSAGES, type PackedRuns } from '../search/packed.ts';
import { DRAWN_MESSAGES, DRAWN_RUNS } from '../search/recorded.ts';
import { eachRun, type SearchResult } from '../search/result.ts';

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

function limits(): ReportDetails['limits'] {
  return { runs: DRAWN_RUNS, messages: DRAWN_MESSAGES, lineageVertices: LINEAGE_VERTICES, packedMessages: PACKED_MESSAGES };
}

/**
 * What reports draw beyond the verdict, as a pure function of what the search recorded (Jepsen's
 * `analyze!` after `run!`): the first runs with their messages and states, each counterexample and
 * its shrink steps, each good outcome's lineage cut to a size a page can draw, and the packed runs.
 * Nothing is run again. A failure here (a bug of ldfi) leaves the verdict standing: the details say
 * that their drawings are missing, and why.
 */
export function reportDetails(result: SearchResult): ReportDetails {
  try {
    return drawnDetails(result);
  } catch (e) {
    return { runs: [], lineage: [], limits: limits(), error: errorText(e) };
  }
}

function drawnDetails(result: SearchResult): ReportDetails {
  const recorded = result.recorded;
  const drawn = new Map((recorded?.drawn ?? []).map((d) => [d.index, d]));
  const runs: DrawnRun[] = [];
  for (const run of eachRun(result)) {
    // Drawn runs are among the first (the rest may be on disk: read no further).
    if (run.index > DRAWN_RUNS) break;
    const d = drawn.get(run.index);
    if (!d) continue;
    runs.push({ key: `run-${run.index}`, runIndex: run.index, faults: run.faults, violated: runVerdict(run) === 'violated', messages: d.messages, ...(d.states ? { states: d.states } : {}) });
  }
  for (const [j, c] of result.counterexamples.entries()) {
    runs.push({ key: `cex-${j + 1}`, faults: c.faults, violated: true, messages: c.messages, ...(c.states ? { states: c.states } : {}) });
    for (const [k, step] of (c.shrinkSteps ?? []).entries()) {
      runs.push({ key: `cex-${j + 1}-step-${k + 1}`, faults: step.faults, violated: step.violated, messages: step.messages, ...(step.states ? { states: step.states } : {}) });
    }
  }
  const graph = recorded?.lineage;
  const lineage = graph ? result.outcomes.filter((o) => graph.hasNode(o)).map((o) => outcomeLineage(graph, o)) : [];
  return { runs, lineage, ...(recorded?.packed ? { packed: recorded.packed } : {}), limits: limits() };
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
