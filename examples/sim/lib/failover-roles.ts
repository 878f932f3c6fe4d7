import type { RunView } from 'ldfi/sim';

/**
 * Each node's last word (`primary` or `standby`, in output order) is its role at the end; at most one
 * live node may end as primary. Reads no time: runs are compared without their times.
 */
export function atMostOnePrimary(run: RunView): string[] {
  const last = new Map<string, unknown>();
  for (const o of run.outputs) last.set(o.node, o.value);
  const primaries = [...last].filter(([node, v]) => v === 'primary' && !run.crashed.includes(node)).map(([node]) => node);
  return primaries.length > 1 ? [`${primaries.join(' and ')} both end as primary`] : [];
}
