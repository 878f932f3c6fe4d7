import { formatFaults } from '../../injector/text.ts';
import type { Fault, FaultSet } from '../../model/faults.ts';

/**
 * A fault set split for the runs table: crashes apart from omissions and the other faults, omissions
 * on one channel at consecutive steps written as one range (`omit a→b @1..11`: at every step from 1
 * to 11), so that a channel lost for a whole window reads as one entry.
 */
export function faultColumns(faults: FaultSet): { crashes: string; others: string } {
  const crashes = faults.filter((f) => f.kind === 'crash');
  const omissions = faults.filter((f): f is Extract<Fault, { kind: 'omit' }> => f.kind === 'omit');
  const rest = faults.filter((f) => f.kind !== 'crash' && f.kind !== 'omit');
  const byChannel = new Map<string, number[]>();
  for (const o of omissions) (byChannel.get(`${o.from}→${o.to}`) ?? byChannel.set(`${o.from}→${o.to}`, []).get(`${o.from}→${o.to}`)!).push(o.time);
  const ranges: string[] = [];
  for (const [channel, times] of byChannel) {
    times.sort((a, b) => a - b);
    for (let i = 0; i < times.length; ) {
      let j = i;
      while (j + 1 < times.length && times[j + 1] === times[j] + 1) j++;
      ranges.push(`omit ${channel} @${times[i]}${j > i ? `..${times[j]}` : ''}`);
      i = j + 1;
    }
  }
  const others = [...ranges, ...(rest.length ? [formatFaults(rest)] : [])].join('; ');
  return { crashes: crashes.length ? formatFaults(crashes) : '', others };
}

/**
 * A support's leaf as a reader says it: `msg:a→b@1` → `a→b @1 delivered`, `nocrash:b@*` → `b alive`
 * (the lineage graph's vertex keys, src/model/lineage.ts); anything else as it is.
 */
export function leafText(key: string): string {
  let m = /^msg:(.+?)→(.+?)@(\d+)$/.exec(key);
  if (m) return `${m[1]}→${m[2]} @${m[3]} delivered`;
  m = /^nocrash:(.+?)@([^.]+)(?:\.\.(\d+))?$/.exec(key);
  if (m) return `${m[1] === '*' ? 'every node' : m[1]} alive${m[3] ? ` until @${m[3]}` : m[2] !== '*' ? ` @${m[2]}` : ''}`;
  m = /^lost:(.+?)→(.+?)@(\d+)$/.exec(key);
  if (m) return `${m[1]}→${m[2]} @${m[3]} lost`;
  m = /^crashed:(.+?)@(.+)$/.exec(key);
  if (m) return `crash of ${m[1]}${m[2] !== '*' ? ` @${m[2]}` : ''}`;
  return key;
}
