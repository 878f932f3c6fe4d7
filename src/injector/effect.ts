import type { Fault, FaultSet } from '../model/faults.ts';
import type { MessageRecord } from '../model/target.ts';

/**
 * The omissions of a schedule that dropped nothing in its run: no message was sent on that channel at
 * that time, so the fault changed nothing (a replay says so instead of reading as a check of it).
 * Other kinds act beyond messages (a crash silences a node, a dropped connection tells both ends),
 * so they are not judged here.
 */
export function idleOmissions(faults: FaultSet, messages: readonly MessageRecord[]): Fault[] {
  const dropped = new Set<string>();
  for (const m of messages) if (m.status === 'omitted') dropped.add(`${m.from}|${m.to}|${m.sendTime}`);
  return faults.filter((f) => f.kind === 'omit' && !dropped.has(`${f.from}|${f.to}|${f.time}`));
}
