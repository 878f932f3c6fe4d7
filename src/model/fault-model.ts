import type { Bounds } from './bounds.ts';
import type { FaultKind } from './faults.ts';
import { UserError } from './errors.ts';

const KIND_WORDS: Record<FaultKind, string> = { omit: 'omissions', crash: 'crashes', restart: 'restarts', delay: 'delays', disconnect: 'disconnects', partition: 'partitions', fail: 'failed requests', reset: 'resets' };

/** Every kind of fault, in canonical order. */
export const FAULT_KINDS = Object.keys(KIND_WORDS) as FaultKind[];

/** The kinds in words, in list order: `omissions, crashes and restarts`. */
export function kindsInWords(kinds: readonly FaultKind[]): string {
  const words = kinds.map((k) => KIND_WORDS[k]);
  return words.length <= 1 ? (words[0] ?? 'no faults') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * The kinds of fault a search covers: those asked for (`--fault-kinds`), else the target's default,
 * in canonical order. Throws `UserError` (BAD_OPTION) for a kind the target's LDFI search does not
 * cover, naming those it does (`what`: the target, in words).
 */
export function searchedKinds(requested: readonly FaultKind[] | undefined, searchable: readonly FaultKind[], fallback: readonly FaultKind[], what: string): FaultKind[] {
  const kinds = requested ?? fallback;
  for (const k of kinds) {
    if (!(k in KIND_WORDS)) throw new UserError('BAD_OPTION', `--fault-kinds: ${String(k)} is not a kind of fault (${Object.keys(KIND_WORDS).join(', ')})`);
    if (!searchable.includes(k)) throw new UserError('BAD_OPTION', `--fault-kinds: LDFI does not search ${KIND_WORDS[k]} on ${what} (it searches ${kindsInWords(searchable)}); --strategy random draws any kind the target applies`);
  }
  if (kinds.length === 0) throw new UserError('BAD_OPTION', '--fault-kinds: name at least one kind of fault');
  return (Object.keys(KIND_WORDS) as FaultKind[]).filter((k) => kinds.includes(k));
}

/**
 * The kinds a search of code covers (sim protocols, tcp systems), which search every kind the target
 * applies (`supported`): those asked for, else every kind `applies` admits, and delays only with a longest delay (`maxDelay` > 0; none is
 * no kind searched). Throws `UserError` (BAD_OPTION) for delays asked without a longest delay, naming
 * the option in the target's unit (`virtual ms`, `rounds`), and as `searchedKinds` does.
 */
export function codeKinds(asked: readonly FaultKind[] | undefined, opts: { maxDelay: number; unit: string; name: string; what: string; supported: readonly FaultKind[]; applies?: (k: FaultKind) => boolean }): FaultKind[] {
  if (asked?.includes('delay') && opts.maxDelay === 0) throw new UserError('BAD_OPTION', `--fault-kinds delay: give the longest delay searched with --max-delay <${opts.unit}> (${opts.name} sets none)`);
  const fallback = opts.supported.filter((k) => (k === 'delay' ? opts.maxDelay > 0 : (opts.applies?.(k) ?? true)));
  return searchedKinds(asked, opts.supported, fallback, opts.what);
}

/** What a failed request is answered with unless the bounds say otherwise: Service Unavailable. */
export const DEFAULT_FAIL_STATUSES: readonly number[] = [503];

/** Molly's model: the kinds searched when bounds name none. */
export const MOLLY_KINDS: readonly FaultKind[] = ['omit', 'crash'];

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
  /** The kinds of fault searched. */
  readonly kinds: readonly FaultKind[];
  private readonly nodeSet: ReadonlySet<string>;
  private readonly requestChannels: ReadonlySet<string>;

  constructor(readonly bounds: Bounds) {
    this.lastLoss = Math.max(0, Math.min(bounds.eff - 1, bounds.eot - 1));
    this.nodeSet = new Set(bounds.nodes);
    this.requestChannels = new Set(bounds.requestChannels ?? []);
    this.kinds = bounds.kinds ?? MOLLY_KINDS;
  }

  /**
   * The kinds the bounds leave room for: omissions only with a lossy time, crashes and restarts only
   * with a crash budget — what a proof covers, in words for its verdict.
   */
  get effectiveKinds(): FaultKind[] {
    return this.kinds.filter((k) => {
      switch (k) {
        case 'omit':
        case 'reset':
          return this.lastLoss > 0;
        case 'crash':
          return this.bounds.crashes > 0;
        case 'restart':
          return this.canRestart(1, 1);
        case 'delay':
          return this.canDelay(1, 1);
        case 'disconnect':
        case 'partition':
          return this.canCut(k, 1, 1);
        case 'fail':
          return this.lastLoss > 0 && (this.bounds.requestChannels?.length ?? 0) > 0;
      }
    });
  }

  /**
   * Whether the HTTP requests from→to sent at `time` may fail (`fail`): failed requests searched, the
   * channel carries requests, and sent before EFF — a finite failure, as a loss is.
   */
  canFail(from: string, to: string, time: number): boolean {
    return this.searches('fail') && this.canLoseOn(from, to, time) && this.requestChannels.has(`${from}|${to}`);
  }

  /** Whether the messages from→to sent at `time` may be cut short by a reset: resets searched, sent before EFF. */
  canReset(from: string, to: string, time: number): boolean {
    return this.searches('reset') && this.canLoseOn(from, to, time);
  }

  /** The statuses a failed request is answered with, each its own fault (default 503). */
  get failStatuses(): readonly number[] {
    return this.bounds.failStatuses?.length ? this.bounds.failStatuses : DEFAULT_FAIL_STATUSES;
  }

  /** Whether faults of `kind` are searched. */
  searches(kind: FaultKind): boolean {
    return this.kinds.includes(kind);
  }

  /**
   * Whether a node may restart down from `start` to `end` (back at end + 1): restarts searched, a
   * failure left in the budget, and the window over before EFF — a restart is a finite failure, as a
   * lost message is (a crash, which never ends, may come at any time). A restart loses the node's
   * volatile state.
   */
  canRestart(start: number, end: number): boolean {
    return this.bounds.crashes > 0 && start >= 1 && end >= start && end <= this.lastLoss;
  }

  /**
   * Whether messages sent at `time` may be delayed `by` (steps, virtual ms or rounds): delays
   * searched, sent before EFF (a delay is a finite failure, as a loss is), and 1 ≤ by ≤ the bounds'
   * `maxDelay`.
   */
  canDelay(time: number, by: number): boolean {
    return this.searches('delay') && this.canLose(time) && Number.isInteger(by) && by >= 1 && by <= this.maxDelay;
  }

  /**
   * Whether a link (`disconnect`, both ways: a dropped connection) or the network (`partition`) may be
   * cut from `start` to `end`, healed at end + 1: that kind searched, and the window over before EFF —
   * a finite failure, as a loss is. Messages sent across the cut in the window are lost; nodes with
   * connection handlers hear of the cut at `start` and of the heal at end + 1.
   */
  canCut(kind: 'disconnect' | 'partition', start: number, end: number): boolean {
    return this.searches(kind) && start >= 1 && end >= start && end <= this.lastLoss;
  }

  /** The longest delay searched (0: none). */
  get maxDelay(): number {
    return this.bounds.maxDelay ?? 0;
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
