import type { LineageGraph } from '../model/lineage.ts';
import type { MessageRecord, StateFact } from '../model/target.ts';
import type { PackedRuns } from './packed.ts';

/** Runs recorded for drawing at most, beyond the counterexamples (the first runs made, within the message budget below). */
export const DRAWN_RUNS = 500;
/** Messages of runs recorded for drawing at most, over all of them (each is about 0.8 KB of page; the other runs are packed, about 15 bytes a message, and drawn by the page script on demand). */
export const DRAWN_MESSAGES = 1_000;

/** One of the first runs, as it was made: its messages and its state over time. */
export interface DrawnRecord {
  readonly index: number;
  readonly messages: readonly MessageRecord[];
  readonly states?: readonly StateFact[];
}

/**
 * What a search recorded for its reports, as the runs were made (Jepsen's `run!`, before `analyze!`):
 * reports draw from it alone (`report/details.ts`), so no run is made again to draw it.
 */
export interface Recorded {
  /** The first runs, within `DRAWN_RUNS` runs and `DRAWN_MESSAGES` messages, in order. */
  readonly drawn: readonly DrawnRecord[];
  /** The lineage outcomes are drawn from: the union LDFI learned, or the fault-free run's (absent when no run gave one). */
  readonly lineage?: LineageGraph;
  /** The messages of the other runs, packed for a page to draw on demand (absent: none). */
  readonly packed?: PackedRuns;
}
