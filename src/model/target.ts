import type { Bounds } from './bounds.ts';
import type { Fault, FaultKind, FaultSet } from './faults.ts';
import type { LineageGraph } from './lineage.ts';

/** One message of a run, as the space-time listing shows it. */
export interface MessageRecord {
  readonly from: string;
  readonly to: string;
  readonly sendTime: number;
  readonly deliverTime: number;
  /** What was sent, e.g. `log(b,hello)`. */
  readonly content: string;
  /**
   * `in-flight`: sent, but due after the end of time (or held by a proxy when the run ended): it never
   * arrived within the run, whatever would have happened next.
   */
  readonly status: 'delivered' | 'omitted' | 'sender-crashed' | 'receiver-down' | 'in-flight';
  /**
   * The fault that decided a non-delivery, when there is one; on a delivered message, the failed
   * request Spike answered with it (the message is Spike's, not its sender's).
   */
  readonly reason?: string;
}

/** A broken invariant. `key` identifies it across runs (e.g. the `pre` tuple without its `post`). */
export interface Violation {
  readonly key: string;
  readonly message: string;
  /** What a black-box check pointed at (stream, model and fault-free checks), for reports to mark. */
  readonly evidence?: ViolationEvidence;
}

/** The items a violation is about: outputs and inputs with their node and time (value as JSON text). */
export interface ViolationEvidence {
  /** The anomaly's name: lost, duplicated, unexpected, reordered, stale, late, unseen, missing, extra. */
  readonly kind: string;
  readonly outputs: readonly EvidenceItem[];
  readonly inputs: readonly EvidenceItem[];
}

export interface EvidenceItem {
  readonly node: string;
  /** Steps, virtual ms or rounds, as the target counts time. */
  readonly at: number;
  readonly value: string;
}

/** What one run of a target returns: everything the search needs, nothing about the solver. */
export interface RunResult {
  readonly faults: FaultSet;
  readonly messages: readonly MessageRecord[];
  readonly violations: readonly Violation[];
  /** Checks that could not be made (an invariant threw): neither violated nor holding. */
  readonly unknown?: readonly string[];
  /**
   * How many times this run evaluated the invariant (Dedalus: the `pre` tuples at EOT, each checked
   * for its `post`); absent: at least once (a sim or tcp invariant runs on every run).
   */
  readonly invariantChecks?: number;
  /** Keys (lineage goal vertices) of the good outcomes this run produced, e.g. `post(b,x)@4`. */
  readonly outcomes: readonly string[];
  /**
   * For an outcome that only matters while something else holds (Dedalus: post(x) and pre(x)), the
   * goal key of that precondition, whether or not it holds in this run. The search first looks for
   * faults that break the outcome but keep its precondition: those are the ones that can violate the
   * invariant; an outcome whose precondition is absent matters only where faults make it appear.
   */
  readonly preconditions?: ReadonlyMap<string, string>;
  /**
   * Outcomes of the form "this violation stays absent" (a `pre` tuple that faults might make appear
   * without its `post`), each with what the target needs to recognise it later. The search hands
   * them back in `RunOptions.watch`; the target itself keeps no state between runs.
   */
  readonly watch?: ReadonlyMap<string, unknown>;
  /** Keys of watched outcomes (from `RunOptions.watch`) that this run realized: the tuple appeared. */
  readonly realized?: readonly string[];
  /**
   * Per precondition goal key of this run (e.g. `pre(x)@8`): the watched outcomes (keys from
   * `RunOptions.watch`) whose absence it realized. Their absence vertices explain why it was absent in
   * earlier runs: a fault set under which one still holds cannot make it appear again.
   */
  readonly realizedBy?: ReadonlyMap<string, readonly string[]>;
  /**
   * For each goal of `RunOptions.explainAbsent` (and each absent precondition, with
   * `RunOptions.explainPreconditions`) that does not hold in this run: the lineage vertex of
   * its absence (how it could still appear), in `lineage`. Only from targets that track absences.
   */
  readonly absences?: ReadonlyMap<string, string>;
  /** Lineage of the outcomes (and preconditions), down to the faultable leaves. */
  readonly lineage: LineageGraph;
  /**
   * The negative support of the run as a whole, for targets whose nodes are opaque code (sim, tcp):
   * the faults that could change this run, one per class of equivalent faults. By the conservative
   * rule (Molly's, for code instead of rules: whatever a node does may depend on everything it has
   * seen), a fault outside the footprint leaves the run exactly as it was, so a fault set can create
   * a violation only by adding a footprint fault. Given when `RunOptions.lineage` is set.
   */
  readonly footprint?: readonly FootprintPoint[];
  /** What happened that the message listing does not show (a process that exited on its own). */
  readonly notes?: readonly string[];
  /** The run's state over time, when `RunOptions.states` asked for it (reports draw it). */
  readonly states?: readonly StateFact[];
  /**
   * The same states computed on demand from this very execution (never by running again): the
   * search asks for them only for the runs a report draws and for counterexamples.
   */
  readonly statesOf?: () => readonly StateFact[];
  /** Set when the target itself failed (a protocol threw): reported as a finding, not a crash. */
  readonly error?: string;
  /**
   * The run's whole state after each time with events, from its last fault on, as hashes
   * (`RunOptions.stateHashes`): two runs in the same state at the same time go on alike under the
   * same later faults, and look alike to the invariants.
   */
  readonly stateTrace?: readonly { readonly t: number; readonly h: string }[];
  /** An invariant read a time of the run (an output's `at`, `endTime`, `stoppedAtTimeBound`): targets with `stateTraces`. */
  readonly readTimes?: boolean;
  /**
   * Per restart of the schedule (by fault key): the next window end that can change the run (the
   * same restart ending earlier is the same run in between), or null when none can. The footprint
   * search offers one restart per start and runs the later ends this way, one after the other.
   */
  readonly restartNext?: Readonly<Record<string, number | null>>;
  /**
   * Per delay of the schedule (by fault key): the next longer delay of the same messages that can
   * change the run (the same delay shorter or in between is the same run), or null when none can.
   */
  readonly delayNext?: Readonly<Record<string, number | null>>;
  /**
   * Per cut of the schedule (disconnect or partition, by fault key): the next later end that can
   * change the run, and the next later start that is a run of its own (the start is offered once per
   * class; a cut whose handler calls acted shows its time), each null when none.
   */
  readonly cutNext?: Readonly<Record<string, { readonly end: number | null; readonly start: number | null; readonly inertIf?: readonly string[] }>>;
  /**
   * Handler calls of this run that did nothing and read nothing (keys as in `FootprintPoint.inertIf`):
   * at a node whose state is all tracked, such a call does nothing in any state, in any run.
   */
  readonly inertCalls?: readonly string[];
}

export interface RunOptions {
  /** Build the lineage graph (the search needs it; replay and baselines do not). */
  readonly lineage: boolean;
  /** Watched outcomes from earlier runs' `RunResult.watch`, to report which this run realized. */
  readonly watch?: ReadonlyMap<string, unknown>;
  /** Return the run's footprint (targets with `footprints`); implied by `lineage`. */
  readonly footprint?: boolean;
  /** Goal keys (e.g. preconditions of attacked outcomes) whose absence to explain if they do not hold. */
  readonly explainAbsent?: readonly string[];
  /** Also explain the absence of each outcome's precondition that does not hold in this run (`absences`). */
  readonly explainPreconditions?: boolean;
  /**
   * Return the run's state trace from its last fault on (`RunResult.stateTrace`; targets with
   * `capabilities.stateTraces`): `exact`, or `untimed` (outputs by node, value and order, not by
   * time — for invariants that read no time, `RunResult.readTimes`).
   */
  readonly stateHashes?: 'exact' | 'untimed' | false;
  /** Return the run's state over time (`RunResult.states`). */
  readonly states?: boolean;
  /**
   * Ctrl-C (or a campaign's stop): a run not yet started is not made, a run of real processes ends at
   * its next round, cleaned up. Such a run returns an unknown verdict; the search stops next.
   */
  readonly signal?: AbortSignal;
}

/**
 * What a target can do beyond running a schedule: the search and the reports read these, never the
 * target's kind, and `qualifySearchOptions` refuses options a target cannot honour.
 */
export interface TargetCapabilities {
  /** Runs depend on a seed (a simulated network's delivery order): `Target.seed`, part of every replay line. */
  readonly seeded: boolean;
  /** The same search can be made on another seed (`Target.withSeed`): seed sweeps. */
  readonly reseedable: boolean;
  /** Runs are cheap enough to make again for what a report draws (not real processes). */
  readonly cheapRuns: boolean;
  /** Interchangeable nodes can be found (`symmetries`): `symmetry`. */
  readonly symmetry: boolean;
  /** Good outcomes are named tuples a pattern can choose: `outcome`. */
  readonly outcomePatterns: boolean;
  /** Molly's potential-causality baseline applies (good outcomes with a causal past): `strategy: 'causal'`. */
  readonly causalBaseline: boolean;
  /** A run can be written as a trace file that replays byte for byte (`--trace`). */
  readonly traces: boolean;
  /** The lineage has tuples of a program, `why` answers for `rel(…)@t` (Dedalus); else outputs `node:value`. */
  readonly tuples: boolean;
  /**
   * Runs can report their whole state over time (`RunOptions.stateHashes`): a sim protocol whose
   * nodes keep all their state through ldfi. The footprint search then stops extending a run where
   * it reaches the state another run reached at the same time (`RunResult.stateTrace`).
   */
  readonly stateTraces: boolean;
}

/**
 * One fact of a run's state at a time: Dedalus, a tuple at a step (`node` its location); sim and tcp,
 * an input or an output of a node at a virtual time or round. Messages are not repeated here.
 */
export interface StateFact {
  /** Step (Dedalus), virtual ms (sim) or round (tcp). */
  readonly time: number;
  readonly node: string;
  /** Dedalus: the relation; sim and tcp: `input` or `output`. */
  readonly relation: string;
  /** The tuple (`log(b,hello)`) or the value as JSON. */
  readonly fact: string;
}

/**
 * One fault that could change a run, and what the run's lineage says it would touch: the search tries
 * first the faults that cut a good outcome's support or wake an action that stayed silent.
 */
export interface FootprintPoint {
  readonly fault: Fault;
  /** Outputs of this run whose lineage the fault cuts (they may be lost). */
  readonly cuts: number;
  /** The outcome keys (as in `RunResult.outcomes`) the fault cuts, or discounts (a crashed node's own). */
  readonly cutOutcomes?: readonly string[];
  /**
   * Later actions of the run that did nothing (a timer that found nothing to do, a handler that sent
   * and wrote nothing) at a node whose history the fault changes: by negative support, each may act
   * instead (retransmit, time out, suspect), which is how faults create violations.
   */
  readonly wakes: number;
  /**
   * Of the deliveries the fault prevents, the shortest wait until the receiver's next silent action
   * (in the target's time unit): a message that arrived just before a timer found nothing to do is a
   * near miss, the likeliest to matter. Absent when the fault wakes nothing.
   */
  readonly slack?: number;
  /**
   * A restart in an exactly-once window: messages the node had already acted on with an output, whose
   * answer to their sender (an acknowledgement) the restart prevents. A sender that retries then
   * hands them to a node that forgot them: a duplicate output is the classic result.
   */
  readonly redoes?: number;
  /**
   * A fault that changes the run only as the omissions it makes do once every handler call it causes
   * is known to do nothing in any state (`RunResult.inertCalls`): the keys of those calls (empty: it
   * causes none). The search skips it where it covers those omissions. Absent: the fault is always
   * worth its own run.
   */
  readonly inertIf?: readonly string[];
}

/** The lineage of one tuple or output (`root`), or of its absence when it does not hold. */
export interface WhyAnswer {
  readonly root: string;
  readonly holds: boolean;
  readonly lineage: LineageGraph;
  /** An output produced more than once, asked for without `#k`: the roots of the other occurrences, in `lineage` too. */
  readonly others?: readonly string[];
}

/** A run written down so that it replays byte for byte (targets/trace-file.ts has the whole format). */
export interface RunTrace {
  readonly format: 'ldfi-trace';
  /** Equal hashes: the same run, byte for byte. */
  readonly hash: string;
  readonly events: readonly unknown[];
  readonly audit: readonly unknown[];
}

/** Something ldfi can run under a fault schedule (Dedalus program, sim protocol, real processes). */
export interface Target {
  readonly kind: string;
  /** The files that make up the target, as the user named them (for the replay line). */
  readonly files: readonly string[];
  /** Files the target's own files include, as their include statements name them (Dedalus). */
  readonly includes?: readonly string[];
  /** A hash of the target's content, stored with every report so a replay can tell it changed. */
  readonly contentHash: string;
  readonly bounds: Bounds;
  /** The fault kinds this target can apply (a schedule with others is refused up front). */
  readonly supportedFaults: readonly FaultKind[];
  /**
   * Whether the lineage also shows what faults could make appear (negative support), so that LDFI
   * reaches violations that faults create (a timeout that fires because messages are missing), not
   * only those where a good outcome is lost. When false, a resilient verdict says so.
   */
  readonly tracksAbsence: boolean;
  /**
   * Runs return a footprint (`RunResult.footprint`): the target's nodes are opaque code, so the
   * negative support of a run is everything that could change it, and LDFI enumerates the fault
   * sets that break it (`search/footprint.ts`). Searches that do not cover footprints prove nothing.
   */
  readonly footprints?: boolean;
  /** Set when the target checks nothing (no invariant): why no verdict on it can be a proof. */
  readonly invariantless?: string;
  /**
   * Asked when no run of a search evaluated the invariant: if no run within the bounds can, why (a
   * verdict would be vacuous: bad input), with what to check; undefined when some run might.
   * Absent: targets whose invariant runs on every run.
   */
  neverEvaluated?(): string | undefined;
  /**
   * Asked before a search: if it is known without searching that no run within the bounds can
   * evaluate the invariant, why (bad input, refused before the first hypothesis). Absent or
   * undefined: some run might.
   */
  neverEvaluable?(): string | undefined;
  /** The node set the target inferred, with the reason for each (Dedalus, when no nodes were given). */
  readonly inferredNodes?: readonly { readonly node: string; readonly reason: string }[];
  /** Things worth telling the user that do not stop the run (e.g. a node the program never names). */
  readonly warnings?: readonly string[];
  /**
   * Nodes (processes) whose lineage is conservative — an action depends on everything its node saw
   * before, since ldfi cannot see what it read (sim: state kept outside `ctx.state`; tcp: no trace id
   * passed along). Explanations of their outputs name more than they needed; reports say so.
   */
  readonly conservativeLineage?: readonly string[];
  /**
   * Renamings of nodes under which the target is itself (Molly's symmetry): the run under renamed
   * faults is the run renamed, so a search with `symmetry` makes one of them.
   */
  readonly symmetries?: readonly ReadonlyMap<string, string>[];
  /**
   * One run of `faults`, written down as a trace that replays byte for byte, and its result (one
   * execution for both). Targets with `capabilities.traces`.
   */
  trace?(faults: FaultSet, signal?: AbortSignal): Promise<{ trace: RunTrace; result: RunResult }>;
  /** What the target can do besides running (the search and reports read these, not `kind`). */
  readonly capabilities: TargetCapabilities;
  /** The seed every run of a seeded target uses (its network's delivery order). */
  readonly seed?: string;
  /** The same target on another seed (`capabilities.reseedable`), for seed sweeps. */
  withSeed?(seed: string): Target | Promise<Target>;
  /** Options a replay line needs besides the bounds and faults (e.g. the seed of a simulation). */
  readonly replayOptions?: readonly string[];
  run(faults: FaultSet, options?: RunOptions): RunResult | Promise<RunResult>;
  /**
   * Runs several schedules in one go when that is cheaper than one by one; returns the results of a
   * prefix of `schedules` (at least one), and the caller asks again for the rest.
   */
  runMany?(schedules: readonly FaultSet[], options?: RunOptions): RunResult[] | Promise<RunResult[]>;
  /**
   * A search is about to make runs one after another: the target may prepare the next run while one
   * goes (tcp: start its processes, since most of a run is waiting). Results do not depend on it.
   */
  beginRuns?(): void;
  /** The search is over (also when it failed or was interrupted): whatever was prepared ahead is stopped. */
  endRuns?(): Promise<void>;
  /** How many schedules `runMany` is best handed at once (default 64); a search's result does not depend on it. */
  readonly batchSize?: number;

  /**
   * "How did I get here": the lineage of one tuple or output (in the target's own notation) in the
   * run of a fault schedule, or of its absence if it does not hold.
   */
  why?(text: string, faults: FaultSet): WhyAnswer | Promise<WhyAnswer>;
}
