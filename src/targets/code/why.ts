import { UserError } from '../../model/errors.ts';
import { newLineageGraph } from '../../model/lineage.ts';
import type { WhyAnswer } from '../../model/target.ts';
import type { CodeExecution } from './execution.ts';
import { buildSimLineage } from './lineage.ts';

/**
 * The lineage goal of an output named as `node:value` (value as JSON, e.g. `b:"v1"`), optionally `#k`
 * for its k-th occurrence. Throws `UserError` for anything else.
 */
export function outputRoot(outputText: string, nodes?: readonly string[]): string {
  // Reports name outputs by their lineage key (`out:node:value#k`): that form is accepted too.
  const m = /^([^:]+):(.*?)(?:#(\d+))?$/.exec(outputText.trim().replace(/^out:/, ''));
  let value: unknown;
  try {
    value = m ? JSON.parse(m[2]) : undefined;
  } catch {
    value = undefined;
  }
  if (!m || value === undefined) {
    throw new UserError('BAD_TUPLE', `--tuple: expected an output as node:value with the value in JSON, e.g. 'b:"v1"' or 'sink:4#2', got '${outputText}'`);
  }
  if (nodes && !nodes.includes(m[1])) throw new UserError('BAD_TUPLE', `--tuple: '${m[1]}' is not a node (nodes: ${nodes.join(', ')})`);
  return `out:${m[1]}:${JSON.stringify(value)}#${m[3] ?? 1}`;
}

/** "How did I get here" for an output of an execution: its lineage, or a lone vertex saying it was not produced. */
export function whyOutput(root: string, exec: CodeExecution, occurrenceGiven = true): WhyAnswer {
  const lineage = buildSimLineage(exec);
  if (lineage.hasNode(root)) {
    // The same value output again: without #k, every occurrence is shown.
    const others: string[] = [];
    for (let k = 2; !occurrenceGiven && lineage.hasNode(root.replace(/#\d+$/, `#${k}`)); k++) others.push(root.replace(/#\d+$/, `#${k}`));
    return { root, holds: true, lineage, ...(others.length ? { others } : {}) };
  }
  const [, node, value, k] = /^out:([^:]+):(.*)#(\d+)$/.exec(root)!;
  let produced = 0;
  while (lineage.hasNode(root.replace(/#\d+$/, `#${produced + 1}`))) produced++;
  const g = newLineageGraph();
  const label = produced > 0 ? `output ${node}: ${value} #${k} (not produced: it was output ${produced === 1 ? 'once' : `${produced} times`} in this run, #1${produced > 1 ? `..#${produced}` : ''})` : `output ${node}: ${value} (not produced)`;
  g.addNode(root, { kind: 'goal', label, relation: 'output', time: 0, edb: false });
  return { root, holds: false, lineage: g };
}
