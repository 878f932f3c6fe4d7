import type { Bounds } from './bounds.ts';

/**
 * The fault model of a search as one value, as Molly's `FailureSpec` is: the bounds and every rule
 * derived from them, decided here and read everywhere else (the solver's candidates, the footprint,
 * the fault space, random schedules, validating a schedule). Times are steps (Dedalus), virtual ms
 * (sim) or rounds (tcp).
 */
export class FaultModel {
  /**
   * The last send time at which a message may be lost: min(EFF − 1, EOT − 1), 0 when none may be.
   * Molly's model: omissions only at send times before EFF, and a message sent at EOT would arrive
   * after the run anyway.
   */
  readonly lastLoss: number;
  private readonly nodeSet: ReadonlySet<string>;

  constructor(readonly bounds: Bounds) {
    this.lastLoss = Math.max(0, Math.min(bounds.eff - 1, bounds.eot - 1));
    this.nodeSet = new Set(bounds.nodes);
  }

  /** How many nodes may crash (or restart: a window of lost state counts as one). */
  get crashBudget(): number {
    return this.bounds.crashes;
  }

  /** Whether faults may touch `node` (it is in the bounds' node set). */
  isNode(node: string): boolean {
    return this.nodeSet.has(node);
  }

  /** Whether a message sent at `time` may be lost (omitted, or dropped by a connection or partition). */
  canLose(time: number): boolean {
    return time >= 1 && time <= this.lastLoss;
  }

  /** Whether a channel between two nodes of the model may lose a message sent at `time` (never a node to itself). */
  canLoseOn(from: string, to: string, time: number): boolean {
    return from !== to && this.isNode(from) && this.isNode(to) && this.canLose(time);
  }

  /** Whether a node may crash at `time`: within the run (1..EOT), if the budget allows any crash. */
  canCrashAt(time: number): boolean {
    return this.bounds.crashes > 0 && time >= 1 && time <= this.bounds.eot;
  }

  /** The send times at which a message may be lost, 1..lastLoss. */
  lossTimes(): number[] {
    return Array.from({ length: this.lastLoss }, (_, i) => i + 1);
  }
}

const models = new WeakMap<Bounds, FaultModel>();

/** The fault model of some bounds (one per bounds object). */
export function faultModel(bounds: Bounds): FaultModel {
  let m = models.get(bounds);
  if (!m) models.set(bounds, (m = new FaultModel(bounds)));
  return m;
}
