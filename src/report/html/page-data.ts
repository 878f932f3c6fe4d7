import type { Bounds } from '../../model/bounds.ts';
import type { FaultSet } from '../../model/faults.ts';
import type { JsonReport } from '../json.ts';
import type { RowContext, RowRun } from './runs.ts';

/**
 * What a page carries for its script (gzipped JSON, base64, in `<script id="ldfi-data">`): the
 * packed messages of runs not drawn in the page, and the rows of runs not listed in it.
 */
export interface PageData {
  readonly bounds: Bounds;
  readonly replayCommand: string;
  readonly strategy: JsonReport['strategy'];
  /** Runs drawn in the page itself (their links need no data). */
  readonly drawn: readonly number[];
  readonly strings: readonly string[];
  readonly runs: readonly PageRun[];
  /** Rows of the runs table beyond those written in the page, in run order. */
  readonly rows: readonly RowRun[];
}

/** A run the script draws when its link is followed. */
export interface PageRun {
  readonly index: number;
  readonly faultList: FaultSet;
  readonly violated: boolean;
  readonly violations: readonly string[];
  /** Checks the run could not make. */
  readonly unknown?: readonly string[];
  /** Packed as in `search/packed.ts`. */
  readonly messages: readonly number[];
}

/** What the rows need: which runs have a diagram (drawn in the page, or packed for the script). */
export function rowContext(d: PageData, cexRuns: ReadonlyMap<number, number>): RowContext {
  const withDiagram = new Set(d.drawn);
  for (const r of d.runs) withDiagram.add(r.index);
  return { strategy: d.strategy, replayCommand: d.replayCommand, withDiagram: (n) => withDiagram.has(n), cexRuns };
}

/** The element holding the data, and the one the script draws runs into. */
export const DATA_ID = 'ldfi-data';
export const DRAWN_HERE_ID = 'drawn-on-demand';
