import { UserError } from '../../model/errors.ts';
import { newLineageGraph } from '../../model/lineage.ts';
import type { WhyAnswer } from '../../model/target.ts';
import type { CodeExecution } from './execution.ts';
import { buildSimLineage, outputKeys } from './lineage.ts';

/** The fields that name an output's kind (`{"op":"charged",…}` is a `charged`), as report labels read them. */
const KIND_FIELDS = ['kind', 'type', 'op', 'cmd', 'msg'];

/**
 * The lineage goal of an output named as `node:value` (value as JSON, e.g. `b:"v1"`), optionally `#k`
 * for its k-th occurrence; or as `node:word#k`, a word that is not JSON: the k-th output of `node`
 * that is that word or whose kind field (kind, type, op, cmd, msg) is (`payment:charged#2`, the
 * second charge), resolved against the run by `whyOutput`. Throws `UserError` for anything else.
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
  const word = m && value === undefined && /^[A-Za-z_][\w-]*$/.test(m[2]) ? m[2] : undefined;
  if (!m || (value === undefined && word === undefined)) {
    throw new UserError('BAD_TUPLE', `--tuple: expected an output as node:value with the value in JSON, e.g. 'b:"v1"' or 'sink:4#2', or as node:kind#k, e.g. 'payment:charged#2', got '${outputText}'`);
  }
  if (nodes && !nodes.includes(m[1])) throw new UserError('BAD_TUPLE', `--tuple: '${m[1]}' is not a node (nodes: ${nodes.join(', ')})`);
  if (word !== undefined) return `kind:${m[1]}:${word}#${m[3] ?? 1}`;
  return `out:${m[1]}:${JSON.stringify(value)}#${m[3] ?? 1}`;
}

/**
 * An output named by its kind (`kind:node:word#k`) as its lineage key, `out:node:value#k`: the first
 * output of the node, in output order, that is the word or has it in a kind field and is the k-th
 * occurrence of its value — `#k` counts the same value, as in `node:value#k`, so `payment:charged#2`
 * is the first charge made a second time. Undefined when there is none.
 */
function resolveKind(root: string, exec: CodeExecution): { key?: string; count: number } {
  const [, node, word, k] = /^kind:([^:]+):(.*)#(\d+)$/.exec(root)!;
  const keys = outputKeys(exec);
  const ofKind = (v: unknown) => v === word || (typeof v === 'object' && v !== null && KIND_FIELDS.some((f) => (v as Record<string, unknown>)[f] === word));
  const matching = exec.outputs.flatMap((o, i) => (o.node === node && ofKind(o.value) ? [keys[i]] : []));
  return { key: matching.find((key) => key.endsWith(`#${k}`)), count: matching.length };
}

/** "How did I get here" for an output of an execution: its lineage, or a lone vertex saying it was not produced. */
export function whyOutput(root: string, exec: CodeExecution, occurrenceGiven = true): WhyAnswer {
  if (root.startsWith('kind:')) {
    const { key, count } = resolveKind(root, exec);
    if (key) return whyOutput(key, exec, true);
    const [, node, word, k] = /^kind:([^:]+):(.*)#(\d+)$/.exec(root)!;
    const g = newLineageGraph();
    const made = count === 0 ? `${node} made no ${word} output in this run` : `${node} made ${count} ${word} output${count === 1 ? '' : 's'} in this run, none of them ${k === '1' ? 'at all' : `${k} times over`}`;
    g.addNode(root, { kind: 'goal', label: `output ${node}: ${word} #${k} (not produced: ${made})`, relation: 'output', time: 0, edb: false });
    return { root, holds: false, lineage: g };
  }
  const lineage = buildSimLineage(exec, { after: true });
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
