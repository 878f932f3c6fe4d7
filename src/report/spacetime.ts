import type { FaultSet } from '../model/faults.ts';
import type { MessageRecord } from '../model/target.ts';

/** What each message's fate is called, in the terminal listing and in the HTML report alike. */
export const STATUS_TEXT: Record<MessageRecord['status'], string> = {
  delivered: 'delivered',
  omitted: 'LOST (omitted)',
  'sender-crashed': 'not sent (sender crashed)',
  'receiver-down': 'LOST (receiver down)',
  'in-flight': 'in flight at end of time',
};

/**
 * What a request-level fault did to a message, for drawing it: `failed` (a request Spike failed),
 * `cut` (cut short by a reset), `spike` (Spike's own answer to a failed request); undefined otherwise.
 */
export function requestFate(m: MessageRecord): 'failed' | 'cut' | 'spike' | undefined {
  if (!m.reason) return undefined;
  if (m.status === 'delivered') return 'spike';
  if (m.status !== 'omitted') return undefined;
  return /^fail .* with \d+$/.test(m.reason) ? 'failed' : m.reason.startsWith('reset ') ? 'cut' : undefined;
}

/**
 * A message's fate in words, with the fault that decided it: `LOST (omitted) by omit a→b @2`, a
 * request Spike failed (`FAILED … (Spike answered 503)`), a message cut short by a reset, or Spike's
 * own answer to a failed request (a delivered message whose `reason` is that fault). The terminal
 * listing and the HTML report say it alike.
 */
export function fateText(m: MessageRecord): string {
  const fault = m.reason;
  if (!fault) return STATUS_TEXT[m.status];
  if (m.status === 'delivered') return `delivered (Spike's answer to ${fault}; the receiver never saw the request)`;
  if (m.status !== 'omitted') return `${STATUS_TEXT[m.status]} by ${fault}`;
  const failed = /^fail .* with (\d+)$/.exec(fault);
  if (failed) return `FAILED by ${fault} (never reached its receiver; Spike answered ${failed[1]})`;
  if (fault.startsWith('reset ')) return `CUT SHORT by ${fault} (its first part arrived, then the connection reset)`;
  return `${STATUS_TEXT[m.status]} by ${fault}`;
}

/**
 * A compact space-time listing: per send step, each message between distinct nodes with its fate,
 * and the crashes. Self-messages (local state carried forward) are left out: they cannot fail.
 */
export function spaceTimeListing(messages: readonly MessageRecord[], faults: FaultSet, indent = '  '): string[] {
  const byStep = new Map<number, string[]>();
  const add = (t: number, line: string) => {
    const list = byStep.get(t) ?? [];
    list.push(line);
    byStep.set(t, list);
  };
  for (const f of faults) if (f.kind === 'crash') add(f.time, `crash ${f.node} (sends nothing from now on)`);
  const sorted = [...messages]
    .filter((m) => m.from !== m.to)
    .sort((a, b) => a.sendTime - b.sendTime || cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.content, b.content));
  const widest = (xs: readonly number[]) => xs.reduce((m, x) => Math.max(m, x), 0);
  const width = widest(sorted.map((m) => `${m.from}→${m.to}`.length));
  const contentWidth = widest(sorted.map((m) => m.content.length));
  for (const m of sorted) {
    add(m.sendTime, `${`${m.from}→${m.to}`.padEnd(width)}  ${m.content.padEnd(contentWidth)}  ${fateText(m)}${arrival(m)}`);
  }
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  const stepWidth = widest(steps.map((t) => String(t).length));
  const out: string[] = [];
  for (const t of steps) {
    byStep.get(t)!.forEach((line, i) => out.push(`${indent}${i === 0 ? `@${String(t).padEnd(stepWidth)}` : ' '.repeat(stepWidth + 1)}  ${line}`));
  }
  if (out.length === 0) out.push(`${indent}(no messages between nodes)`);
  return out;
}

/** When the message arrived, or would have: the listing is by send time, so the arrival is said. */
function arrival(m: MessageRecord): string {
  if (m.status === 'delivered') return ` @${m.deliverTime}`;
  if (m.status === 'receiver-down') return ` on arrival @${m.deliverTime}`;
  if (m.status === 'in-flight' && m.deliverTime > m.sendTime) return ` (due @${m.deliverTime})`;
  return '';
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
