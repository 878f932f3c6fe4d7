import type { FaultKind } from './faults.ts';

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
  /**
   * The kinds of fault LDFI searches (`--fault-kinds`; default: every kind the target's search covers).
   * A restart counts against the crash budget, as a crash does.
   */
  readonly faultKinds?: readonly FaultKind[];
  /**
   * The longest delay of a message, in the target's time unit (`--max-delay`; default 0: no delays).
   * A delay holds every message of a channel sent at one time before EFF, like an omission.
   */
  readonly maxDelay?: number;
  /**
   * The statuses a failed HTTP request is answered with, each one fault (`--fail-status`; default
   * 503). Systems of real processes with HTTP links only.
   */
  readonly failStatuses?: readonly number[];
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
  /** The kinds of fault the search covers (default: omissions and crashes, Molly's model). */
  readonly kinds?: readonly FaultKind[];
  /** The longest delay searched (steps, virtual ms or rounds); 0 or absent: none. */
  readonly maxDelay?: number;
  /**
   * The channels (`from|to`) that carry HTTP requests: tcp links with HTTP framing, from the
   * connecting side. Only a request can fail (`fail`); absent: none.
   */
  readonly requestChannels?: readonly string[];
  /** The statuses a failed request is answered with (default 503). */
  readonly failStatuses?: readonly number[];
}
