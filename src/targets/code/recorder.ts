import { AuditLog } from '../../injector/audit.ts';
import type { CodeExecution, Deps, Invocation, MessageEntry, OutputEntry } from './execution.ts';
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
export type RunEnd = Pick<CodeExecution, 'events' | 'eventCount' | 'crashed' | 'down' | 'stoppedAtTimeBound' | 'endTime' | 'error' | 'interrupted'>;

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
    const out: OutputEntry = { node, at, value, deps };
    this.outputs.push(out);
    return out;
  }

  /** A handler call (a phase of a process): whether it did anything others could see or that acts later. */
  invoked(node: string, at: number, acted: boolean): void {
    this.invocations.push({ node, at, acted });
  }

  /** The execution, with how the run ended. */
  execution(end: RunEnd): CodeExecution {
    return {
      ...end,
      invocations: this.invocations,
      audit: this.audit,
      messages: this.messages,
      inputs: this.inputs,
      outputs: this.outputs,
      causes: this.causes,
      ...(this.unknown.length ? { unknown: [...this.unknown] } : {}),
      ...(this.notes.length ? { notes: [...this.notes] } : {}),
    };
  }
}
