/**
 * Bounds as options and files give them (the CLI's flags, \`openTarget\`, a campaign case, a target's
 * own options): each one left out takes the target's default. Times are steps (Dedalus), virtual ms
 * (sim) or rounds (tcp).
 */
export interface BoundsOptions {
  /** End of time. */
  readonly eot?: number;
  /** End of finite failures: messages are lost only at send times before it. */
  readonly eff?: number;
  /** How many nodes may crash. */
  readonly crashes?: number;
  /** The nodes faults may touch (default: all the target's). */
  readonly nodes?: readonly string[];
}

/** A program's, protocol's or system's own default bounds (its node set is its own). */
export type BoundDefaults = Omit<BoundsOptions, 'nodes'>;

/** The bounds of a search: the fault budget of Molly's model. */
export interface Bounds {
  /** End of time: steps 1..eot are run. */
  readonly eot: number;
  /** End of finite failures: omissions only for send times < eff. */
  readonly eff: number;
  /** At most this many nodes crash. */
  readonly crashes: number;
  /** The live locations. */
  readonly nodes: readonly string[];
}
