import { AuditLog } from '../../injector/audit.ts';
import type { CodeExecution, Deps, Invocation, MessageEntry, OutputEntry, Trigger } from './execution.ts';
import type { InputRef, MessageRef, Payload } from './outputs.ts';

/** What a node has seen so far (delivered messages and inputs, by id): the causal past its actions depend on. */
export class CausalPast {
  readonly ids: number[] = [];

  /** The past up to now, for an action that names no causes of its own. */
  deps(): Deps {
    return { past: this.ids, upto: this.ids.length };
  }
}

/** How a run ended, as its driver knows it (the simulator or the tcp rounds); the rest is recorded here. */
export type RunEnd = Pick<CodeExecution, 'events' | 'eventCount' | 'crashed' | 'restarted' | 'down' | 'stoppedAtTimeBound' | 'endTime' | 'error' | 'interrupted' | 'stateHashes' | 'hearsConnections'>;

/**
 * One execution of code as it happens, recorded the same way for a simulated protocol and for real
 * processes: inputs, messages and their fates, outputs, handler calls, what each depends on (the
 * causes), the audit log of non-derivable decisions, and what could not be checked. The driver (the
 * simulator's event loop, the tcp rounds) decides what happens and when; this records it.
 */
export class ExecutionRecorder {
  readonly audit = new AuditLog(true);
  readonly messages: MessageEntry[] = [];
  readonly outputs: OutputEntry[] = [];
  readonly inputs: InputRef[] = [];
  /** Inputs given to a node while it was down: they never went in. */
  readonly refused: number[] = [];
  readonly invocations: Invocation[] = [];
  readonly causes: CodeExecution['causes'] = new Map();
  /** Why the run may not be what its schedule says (a round ended by its timeout). */
  readonly unknown: string[] = [];
  /** What happened that the messages do not show (a process that exited on its own). */
  readonly notes: string[] = [];
  private nextId = 1;

  /** A workload input given to `node` at `at`: a cause actions may depend on. */
  input(node: string, at: number, value: Payload): InputRef {
    const ref: InputRef = { kind: 'input', id: this.nextId++, node, at, value };
    this.inputs.push(ref);
    this.causes.set(ref.id, { kind: 'input', ref });
    return ref;
  }

  /** A message sent at `at`, pending until its fate is known; a cause its receiver's actions may depend on. */
  send(from: string, to: string, at: number, payload: Payload, deps: Deps): MessageEntry {
    const ref: MessageRef = { kind: 'message', id: this.nextId++, from, to, sentAt: at, payload };
    const entry: MessageEntry = { ref, deps, deliverAt: 0, status: 'pending' };
    this.messages.push(entry);
    this.causes.set(ref.id, { kind: 'message', record: entry });
    return entry;
  }

  /** The message will not arrive: Spike dropped it (`reason`: the fault) when it would have arrived at `at`. */
  dropped(m: MessageEntry, reason: string, at: number): void {
    m.status = 'dropped';
    m.reason = reason;
    m.deliverAt = at;
  }

  /** The message arrived at `receiver`, which now has it in its past. */
  delivered(m: MessageEntry, receiver: CausalPast): void {
    m.status = 'delivered';
    receiver.ids.push(m.ref.id);
  }

  /** The message arrived at a node that was down. */
  lostAtReceiver(m: MessageEntry): void {
    m.status = 'receiver-down';
  }

  /** An output written by `node` at `at`. */
  output(node: string, at: number, value: Payload, deps: Deps): OutputEntry {
    const out: OutputEntry = { node, at, value, deps, ...(this.current ? { call: this.current.inv.id } : {}) };
    this.outputs.push(out);
    return out;
  }

  /** A handler call (a phase of a process) that is over: whether it did anything others could see or that acts later. */
  invoked(node: string, at: number, acted: boolean, handler = 'phase'): void {
    this.invocations.push({ id: this.invocations.length + 1, node, at, handler, reads: [], writes: [], acted, precise: false });
  }

  /** The call running now, if any (reads and writes of tracked state are recorded against it). */
  private current: { inv: Invocation; causes: Set<number>; seen: Set<string> } | undefined;
  /** Per call that ended: the causes (messages, inputs) its effects depend on, as a sorted list. */
  private readonly causeMemo = new Map<number, readonly number[]>();

  /**
   * A handler call begins at `node`, started by `trigger`; returns its id. A timer's call depends on
   * what its setter's call depended on when it set the timer (`timerCauses`, from `currentCauses`).
   */
  begin(node: string, at: number, handler: string, trigger: Trigger | undefined, precise: boolean, timerCauses: readonly number[] = []): number {
    const inv: Invocation = { id: this.invocations.length + 1, node, at, handler, ...(trigger ? { trigger } : {}), reads: [], writes: [], acted: false, precise };
    this.invocations.push(inv);
    const causes = new Set<number>(timerCauses);
    if (trigger && 'cause' in trigger) causes.add(trigger.cause);
    this.current = { inv, causes, seen: new Set() };
    return inv.id;
  }

  /** The running call ends. */
  end(acted: boolean): void {
    const cur = this.current;
    if (!cur) return;
    cur.inv.acted = acted;
    this.causeMemo.set(cur.inv.id, [...cur.causes].sort((a, b) => a - b));
    this.current = undefined;
  }

  /**
   * The causes an action of the running call depends on: its trigger's, and those of every call
   * whose write it read (transitively: a cause is a message or an input, whose own lineage goes on).
   */
  currentCauses(): { explicit: number[] } {
    return { explicit: this.current ? [...this.current.causes].sort((a, b) => a - b) : [] };
  }

  /** The running call read `cell`, written by call `writer` (0: never written). */
  read(cell: string, writer: number): void {
    const cur = this.current;
    if (!cur) return;
    const key = `${cell}\u0000${writer}`;
    if (cur.seen.has(key)) return;
    cur.seen.add(key);
    cur.inv.reads.push({ cell, writer });
    if (writer > 0 && writer !== cur.inv.id) for (const c of this.causesOf(writer)) cur.causes.add(c);
  }

  /** The running call wrote `cell` (`changed`: a value other than the one there). Returns its id (0 outside a call). */
  write(cell: string, changed: boolean): number {
    const cur = this.current;
    if (!cur) return 0;
    if (changed && !cur.inv.writes.includes(cell)) cur.inv.writes.push(cell);
    return cur.inv.id;
  }

  /** The causes (messages, inputs) handler call `id` depends on (its trigger's and its reads'); empty before it ran. */
  causesOf(id: number): readonly number[] {
    if (this.current?.inv.id === id) return [...this.current.causes];
    return this.causeMemo.get(id) ?? [];
  }

  /** The execution, with how the run ended. */
  execution(end: RunEnd): CodeExecution {
    return {
      ...end,
      invocations: this.invocations,
      audit: this.audit,
      messages: this.messages,
      inputs: this.inputs,
      ...(this.refused.length ? { refused: [...this.refused] } : {}),
      outputs: this.outputs,
      causes: this.causes,
      ...(this.unknown.length ? { unknown: [...this.unknown] } : {}),
      ...(this.notes.length ? { notes: [...this.notes] } : {}),
    };
  }
}
