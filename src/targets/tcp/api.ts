/**
 * The API for describing a system of real processes that ldfi runs behind Spike, its TCP proxy. A
 * system is a module whose default export is `defineSystem({...})` (`ldfi.tcp.ts`), or the same
 * object as JSON without the invariants' code (`ldfi.tcp.json`, with `expectOutputs` as data).
 *
 * What each process gets in its environment:
 * - `LDFI_NODE`: its name; `LDFI_HOST` and `LDFI_PORT`: where to listen (loopback);
 * - `LDFI_PEER_<NAME>`: `<host>:<port>` (IPv6 in brackets) to connect to for each link from it to NAME (upper case,
 *   other characters as `_`): Spike's port for that link, which forwards to the peer;
 * - `LDFI_DATA`: a directory of its own that survives its restarts, removed after the run;
 * - `LDFI_OUTPUT`: `<host>:<port>` of a sink: each line written to a connection to it is an output
 *   (for processes whose stdout is not theirs to use).
 * Its stdin receives the workload (one line per input, the value as text, JSON if not a string) and,
 * with `ticks`, a line `tick <round>` at the start of every round: a process that retries or times
 * out counts rounds, so that every run of the same schedule is the same. Lines it writes to stdout
 * that start with `outputPrefix` are its outputs (the rest, and stderr, are kept as its log).
 *
 * Time is rounds (Molly's synchronous model): a message sent during round t is delivered at round
 * t+1; a round ends when every process has been quiet for `settleMs`.
 */
import type { Framing } from './framing.ts';
import type { Invariant, Payload } from '../code/outputs.ts';
export { expectStream, streamAnomalies, type StreamAnomaly, type StreamAnomalyKind, type StreamCheck } from '../code/streams.ts';
export { checkLinearizable, expectLinearizable, type HistoryEvent, type LinearizabilityResult } from '../code/linearizable.ts';
export { sameAsFaultFree, type FaultFreeCheck } from '../code/fault-free.ts';
export { checkModel, expectModel, ModelSearchExhausted, type ModelAnomaly, type ModelAnomalyKind, type ModelCheck, type ModelResult, type StreamItem, type StreamModel } from '../code/model-check.ts';
import type { BoundDefaults } from '../../model/bounds.ts';

export { expectOutputs, type Invariant, type OutputRecord, type InputRef, type RunView } from '../code/outputs.ts';
export type { Framing } from './framing.ts';

export interface ProcessSpec {
  /** The program, e.g. `node` or `python3` (looked up on PATH). */
  readonly command: string;
  readonly args?: readonly string[];
  /** Working directory, relative to the system file's folder (default: that folder). */
  readonly cwd?: string;
  /** Added to ldfi's own environment and the LDFI_ variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Ready when a stdout line contains this text; by default, when its port accepts connections. */
  readonly readyLine?: string;
}

export interface SystemSpec<N extends string = string> {
  readonly name: string;
  readonly nodes: Readonly<Record<N, ProcessSpec>>;
  /** Directed links [from, to]: `from` connects to `to` through Spike; both write on that connection. */
  readonly links: readonly (readonly [N, N])[];
  /**
   * How messages are delimited on every link (default `lines`), or per link as `from->to`: `lines`,
   * `length-prefixed` (4-byte big-endian length) or `http` (HTTP/1.1; the connecting node is the client).
   */
  readonly framing?: Framing | Readonly<Record<string, Framing>>;
  /** Inputs written to a node's stdin at the start of a round (rounds from 1). */
  readonly workload: readonly { readonly at: number; readonly node: N; readonly value: Payload }[];
  /** Stdout lines that start with this are outputs; the rest is JSON if it parses, else text. Default `OUT `. */
  readonly outputPrefix?: string;
  /** Write `tick <round>` to every process at the start of every round. Default false. */
  readonly ticks?: boolean;
  readonly invariants: readonly Invariant[];
  /**
   * Narrows lineage: a regular expression whose first group is a trace id in a message's payload, an
   * output's text or an input. A message or output that carries one depends only on what its process
   * received carrying the same id, when it received any; otherwise on everything it received (its
   * causal past). `'traceparent'` reads W3C trace context (`traceparent: 00-<trace-id>-…`).
   */
  readonly traceId?: string;
  /**
   * The loopback address Spike listens on and processes are given: `127.0.0.1` (default) or `::1`.
   * Anything else is refused: Spike is a fault injector, never reachable from another machine.
   */
  readonly bind?: '127.0.0.1' | '::1';
  /** Real ms every process must have been quiet for a round to end. Default 25. */
  readonly settleMs?: number;
  /** Real ms a round may take before it is ended anyway (recorded in the audit log). Default 5,000. */
  readonly roundTimeoutMs?: number;
  /** Real ms a process may take to be ready. Default 10,000. */
  readonly readyTimeoutMs?: number;
  /** Bounds used when the command line gives none (EOT and EFF in rounds). */
  readonly defaults?: BoundDefaults;
}

/** Declares a system; the node names come from `nodes`, so a link or an input naming another is a type error. */
export function defineSystem<const N extends string>(
  s: Omit<SystemSpec<N>, 'links' | 'workload'> & {
    readonly links: readonly (readonly [NoInfer<N>, NoInfer<N>])[];
    readonly workload: readonly { readonly at: number; readonly node: NoInfer<N>; readonly value: Payload }[];
  },
): SystemSpec {
  return s as unknown as SystemSpec;
}
