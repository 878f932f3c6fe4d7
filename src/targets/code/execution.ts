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
}

/** An output a node wrote, at a time, and what it depends on. */
export interface OutputEntry {
  node: string;
  at: number;
  value: Payload;
  deps: Deps;
}

export type TraceEvent =
  | { t: number; e: 'init' | 'crash' | 'down' | 'up'; node: string }
  | { t: number; e: 'input'; node: string; id: number; value: Payload }
  | { t: number; e: 'send'; id: number; from: string; to: string; payload: Payload; at: number }
  | { t: number; e: 'deliver' | 'lost'; id: number; to: string }
  | { t: number; e: 'drop'; id: number; by: string }
  | { t: number; e: 'timer'; node: string; name: string }
  | { t: number; e: 'output'; node: string; value: Payload }
  | { t: number; e: 'disconnect' | 'reconnect'; from: string; to: string }
  | { t: number; e: 'error'; node: string; message: string };

/** One handler call: where, when, and whether it did anything others could see or that acts later. */
export interface Invocation {
  readonly node: string;
  readonly at: number;
  /** It sent, wrote an output or set a timer; a silent call did none of these. */
  readonly acted: boolean;
}

/** One run of code, as recorded (fields documented one by one: the world after the run). */
export interface CodeExecution {
  readonly events: TraceEvent[];
  /** Every handler call, in order (also those of handlers the protocol does not define). */
  readonly invocations: Invocation[];
  readonly audit: AuditLog;
  readonly messages: MessageEntry[];
  readonly inputs: InputRef[];
  readonly outputs: OutputEntry[];
  /** Cause id → what it depends on (messages) or nothing (inputs). */
  readonly causes: Map<number, { kind: 'message'; record: MessageEntry } | { kind: 'input'; ref: InputRef }>;
  readonly crashed: string[];
  readonly down: string[];
  readonly stoppedAtTimeBound: boolean;
  readonly endTime: number;
  readonly error?: string;
  /** Ctrl-C stopped the run midway: it shows nothing either way. */
  readonly interrupted: boolean;
  /** Why the run may not be what its schedule says (a tcp round ended by its timeout, not by quiet). */
  readonly unknown?: readonly string[];
  /** What happened that the messages do not show (a process that exited on its own). */
  readonly notes?: readonly string[];
  readonly eventCount: number;
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


export function expandDeps(d: Deps): readonly number[] {
  return 'explicit' in d ? d.explicit : d.past.slice(0, d.upto);
}
