import type { AuditLog } from '../../injector/audit.ts';
import type { InputRef, MessageRef, Payload } from './outputs.ts';
import type { InvariantOutcome } from './invariant-check.ts';

/**
 * The execution model of code targets (sim protocols and tcp systems alike): what one run of code
 * did, recorded as it happened (`recorder.ts`), from which lineage (`lineage.ts`), the footprint
 * (`footprint.ts`), the invariants' view (`view.ts`), the search's result (`result.ts`) and `why`
 * (`why.ts`) are all computed. A message or an output depends on the causes it names, or on its
 * node's causal past (Molly's conservative rule, for code: what a node does may depend on all it saw).
 */

/** What an action depends on: explicit causes, or a prefix of the node's causal past. */
export type Deps = { explicit: readonly number[] } | { past: readonly number[]; upto: number };

/** A message a node sent: its reference (id, ends, send time, payload), what it depends on, and its fate. */
export interface MessageEntry {
  ref: MessageRef;
  deps: Deps;
  deliverAt: number;
  status: 'pending' | 'delivered' | 'dropped' | 'receiver-down';
  reason?: string;
  /** Sent by Spike, not by `from`: its answer to a request it failed (the fault, as text). */
  injected?: string;
  /** An HTTP request (tcp, HTTP framing): one that can fail. */
  request?: boolean;
  /**
   * Messages of its trace to its sender that were lost before it was sent (ids): what the sender
   * waited for and never got, as a retry comes after a lost answer (`why` shows them; tcp with trace ids).
   */
  after?: number[];
}

/** An output a node wrote, at a time, and what it depends on. */
export interface OutputEntry {
  node: string;
  at: number;
  value: Payload;
  deps: Deps;
  /** The handler call that wrote it (sim), for ordering it among the run's other events. */
  call?: number;
  /** As `MessageEntry.after`: messages of its trace to its node lost before it was written. */
  after?: number[];
}

/** One event of a run's trace (times in virtual ms or rounds). */
export type TraceEvent =
  | { t: number; e: 'init' | 'crash' | 'down' | 'up'; node: string }
  | { t: number; e: 'input'; node: string; id: number; value: Payload }
  | { t: number; e: 'send'; id: number; from: string; to: string; payload: Payload; at: number; by?: string }
  | { t: number; e: 'deliver' | 'lost'; id: number; to: string }
  | { t: number; e: 'drop'; id: number; by: string }
  | { t: number; e: 'timer'; node: string; name: string }
  | { t: number; e: 'output'; node: string; value: Payload }
  | { t: number; e: 'disconnect' | 'reconnect'; from: string; to: string }
  | { t: number; e: 'error'; node: string; message: string };

/** What started a handler call: a cause (a message delivered, an input), or the call that set its timer. */
/** What started a handler call: a message or input (its cause id), a timer (the call that set it), or a connection event (the peer). */
export type Trigger = { readonly cause: number } | { readonly timerOf: number } | { readonly peer: string };

/** A read of a cell of tracked state (`ctx.state`), with the handler call whose write it saw (0: none). */
export interface CellRead {
  readonly cell: string;
  readonly writer: number;
}

/**
 * One handler call: where, when, and whether it did anything others could see or that acts later.
 * For a node whose state is tracked (`precise`), also what started it and what it read: its actions
 * depend on these alone (their lineage); for another, on everything the node saw before.
 */
export interface Invocation {
  /** 1, 2, … in the order the calls began. */
  readonly id: number;
  readonly node: string;
  readonly at: number;
  /** The handler (`onMessage`, `onTimer`, …; for tcp, `phase`). */
  readonly handler: string;
  readonly trigger?: Trigger;
  /** Cells of tracked state it read (precise nodes; deduplicated, in order). */
  readonly reads: CellRead[];
  /** Cells it changed (writing the value already there changes nothing). */
  readonly writes: string[];
  /** It sent, wrote an output or set a timer; a silent call did none of these. */
  acted: boolean;
  /** Its node keeps its state through ldfi: its actions depend on its trigger and reads, not on the node's whole past. */
  readonly precise: boolean;
}

/** One run of code, as recorded: the world after the run, field by field. */
export interface CodeExecution {
  /** The trace: every event in order (only when asked for: replays and hashes need it, the search does not). */
  readonly events: TraceEvent[];
  /** Every handler call (a process's phase, for tcp), in order, with whether it acted: silent ones are what faults may wake. */
  readonly invocations: Invocation[];
  /** Every decision that does not follow from the program: faults applied, clock reads, random draws, latencies, round timeouts. */
  readonly audit: AuditLog;
  /** Every message sent between nodes or to itself, with what it depends on and its fate. */
  readonly messages: MessageEntry[];
  /** The workload's inputs, each a cause actions may depend on. */
  readonly inputs: InputRef[];
  /** Ids of the inputs given to a node while it was down: they never went in. */
  readonly refused?: readonly number[];
  /** Every output, in the order written, with what it depends on. */
  readonly outputs: OutputEntry[];
  /** Cause id → what it depends on (messages) or nothing (inputs). */
  readonly causes: Map<number, { kind: 'message'; record: MessageEntry } | { kind: 'input'; ref: InputRef }>;
  /** Nodes crashed for good by the end (crash-stop). */
  readonly crashed: string[];
  /** Nodes restarted during the run (a restart window began), up again or not. */
  readonly restarted?: string[];
  /** Nodes down at the end: crashed, or inside a restart window. */
  readonly down: string[];
  /** Events were still due after EOT: the run did not quiesce within its bound. */
  readonly stoppedAtTimeBound: boolean;
  /**
   * Nodes with connection handlers (`onConnectionLost`, `onConnectionRestored`) in some incarnation
   * (sim): a cut link tells them, so a disconnect or partition is more than the omissions it makes.
   */
  readonly hearsConnections?: readonly string[];
  /**
   * How those nodes hear a cut is not recorded as handler calls (tcp: a real process sees its
   * connection reset, and what it does about it, at once or later, shows only in what it sends): every
   * start and every end of a cut is then a run of its own (cuts.ts, windows.ts).
   */
  readonly connectionsOpaque?: boolean;
  /**
   * The links messages can take, as [from, to] (tcp: the system's; absent: between any two nodes). A
   * cut acts only through the links it crosses, so two cuts crossing the same links are one (cuts.ts).
   */
  readonly links?: readonly (readonly [string, string])[];
  /** Time of the last event of the protocol (virtual ms or round; a crash is not one). */
  readonly endTime: number;
  /** The protocol failed (a handler threw or never returned): a finding, reported like a violation. */
  readonly error?: string;
  /** Ctrl-C stopped the run midway: it shows nothing either way. */
  readonly interrupted: boolean;
  /** Why the run may not be what its schedule says (a tcp round ended by its timeout, not by quiet). */
  readonly unknown?: readonly string[];
  /** What happened that the messages do not show (a process that exited on its own). */
  readonly notes?: readonly string[];
  /** Events handled (a measure of the run's size). */
  readonly eventCount: number;
  /**
   * The run's state after each virtual ms with events, from a time the caller chose, as a hash
   * (sim, when every node's state is tracked): runs in the same state at the same time go on alike.
   */
  readonly stateHashes?: readonly { t: number; h: string }[];
  /** The invariants' verdict, when they were checked inside the run's watchdog (`RunChecker`). */
  readonly checked?: InvariantOutcome;
}

/**
 * The invariants, checked as the last step of a run under the run's own watchdog: an invariant that
 * never returns stops the run as a handler would, and `stopped` names it (targets/invariant-check.ts).
 */
export interface RunChecker {
  check(exec: CodeExecution): InvariantOutcome;
  stopped(end: 'timeout' | 'interrupted', budgetMs: number): InvariantOutcome;
}


/** The cause ids an action depends on: its explicit causes, or its node's past up to when it acted. */
export function expandDeps(d: Deps): readonly number[] {
  return 'explicit' in d ? d.explicit : d.past.slice(0, d.upto);
}
