import type { Fault, FaultSet } from '../model/faults.ts';
import type { MessageRecord } from '../model/target.ts';
import { formatFault } from './format.ts';

/**
 * The slot faults of a schedule that met no message in its run: an omission on a channel at a send
 * time where nothing was sent, a failed request where no request was sent (only answers, or
 * nothing), a reset with nothing to cut short. They changed nothing (a replay says so instead of
 * reading as a check of them). Other kinds act beyond messages (a crash silences a node, a dropped
 * connection tells both ends), so they are not judged here.
 */
export function idleSlotFaults(faults: FaultSet, messages: readonly MessageRecord[]): Fault[] {
  const dropped = new Set<string>();
  const decided = new Set<string>();
  for (const m of messages) {
    if (m.status !== 'omitted') continue;
    dropped.add(`${m.from}|${m.to}|${m.sendTime}`);
    if (m.reason) decided.add(m.reason);
  }
  return faults.filter((f) => (f.kind === 'omit' && !dropped.has(`${f.from}|${f.to}|${f.time}`)) || ((f.kind === 'fail' || f.kind === 'reset') && !decided.has(formatFault(f))));
}
