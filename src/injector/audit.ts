/**
 * The audit log of a run: every decision that does not follow from the program — a fault applied, a
 * random draw, a clock read, a delivery-order choice, a round ended by its timeout rather than by
 * quiet, a process that exited on its own — in the order it was made. Together with the
 * schedule and seed in its header it is all a replay needs; two runs are the same run exactly when
 * their audit logs are byte-identical.
 */
export type AuditKind = 'fault' | 'random' | 'clock' | 'order' | 'settle' | 'process';

export interface AuditEntry {
  /** Virtual time of the decision. */
  readonly t: number;
  readonly kind: AuditKind;
  /** Who asked (a node) or what decided (`network`, `spike`). */
  readonly by: string;
  /** What was decided, e.g. `drop a→b #3 (omit a→b @4)` or `latency a→b #3 = 2`. */
  readonly what: string;
  readonly value?: number | string;
  /** The message the decision is about (its id), when there is one. */
  readonly message?: number;
}

export class AuditLog {
  readonly entries: AuditEntry[] = [];
  constructor(private readonly enabled = true) {}
  add(t: number, kind: AuditKind, by: string, what: string, value?: number | string, message?: number): void {
    if (!this.enabled) return;
    const e: { t: number; kind: AuditKind; by: string; what: string; value?: number | string; message?: number } = { t, kind, by, what };
    if (value !== undefined) e.value = value;
    if (message !== undefined) e.message = message;
    this.entries.push(e);
  }
}
