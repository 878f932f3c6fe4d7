import { UserError } from '../../model/errors.ts';
import { newLineageGraph, type LineageGraph, type LineageVertex } from '../../model/lineage.ts';
import { lossText, payloadText } from './payload-text.ts';
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
    const made = count === 0 ? `${node} made no ${word} output in this run (a kind is the output itself, or its kind, type, op, cmd or msg field)${othersOf(exec, node)}` : `${node} made ${count} ${word} output${count === 1 ? '' : 's'} in this run, none of them ${k === '1' ? 'at all' : `${k} times over`}`;
    return { root, holds: false, lineage: absence(root, `output ${node}: ${word} #${k} (not produced: ${made})`, exec, node) };
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
  const label = produced > 0 ? `output ${node}: ${value} #${k} (not produced: it was output ${produced === 1 ? 'once' : `${produced} times`} in this run, #1${produced > 1 ? `..#${produced}` : ''})` : `output ${node}: ${value} (not produced${othersOf(exec, node)})`;
  return { root, holds: false, lineage: absence(root, label, exec, node) };
}

/**
 * An output not produced, as an absence: it stays absent while what its node did not get, or did
 * not get across, stays lost (every message to or from the node that a fault dropped, cut short or
 * failed, or that arrived while its receiver was down) and while the node stays down (a crash, a
 * process that exited), so that "how did I get here" names a root cause, the earliest of them.
 */
function absence(root: string, label: string, exec: CodeExecution, node: string): LineageGraph {
  const g = newLineageGraph();
  g.addNode(root, { kind: 'absent', label, time: 0 });
  // In time order, so that the tree reads as the run went: a loss, Spike's answer, the exit it caused.
  const causes: { time: number; key: string; vertex: LineageVertex }[] = [];
  const downAt = exec.events.find((e) => (e.e === 'crash' || e.e === 'down') && 'node' in e && e.node === node)?.t;
  const exited = (exec.notes ?? []).find((n) => n.startsWith(`${node} exited`));
  if (downAt !== undefined || exited || exec.crashed.includes(node)) {
    const time = downAt ?? Number(/in round (\d+)/.exec(exited ?? '')?.[1] ?? 0);
    causes.push({ time, key: `down:${node}`, vertex: { kind: 'crash', label: exited ?? `${node} went down${downAt !== undefined ? ` @${downAt}` : ''}`, node, ...(time ? { time } : {}) } });
  }
  for (const m of exec.messages) {
    if ((m.ref.to !== node && m.ref.from !== node) || m.ref.from === m.ref.to) continue;
    if (m.injected && m.status === 'delivered') {
      // Not a loss: what the node got instead of its answer.
      causes.push({ time: m.deliverAt, key: `spike:${m.ref.id}`, vertex: { kind: 'goal', label: `${m.ref.to} got Spike's answer @${m.deliverAt}: ${payloadText(m.ref.payload)}`, relation: 'message', time: m.deliverAt, edb: true } });
      continue;
    }
    if (m.status !== 'dropped' && m.status !== 'receiver-down') continue;
    const label = `message ${m.ref.from}→${m.ref.to} sent @${m.ref.sentAt} ${lossText(m)}: ${payloadText(m.ref.payload)}${m.status === 'dropped' && m.reason ? ` (${m.reason})` : ''}`;
    causes.push({ time: m.ref.sentAt, key: `lost:${m.ref.id}`, vertex: { kind: 'lost', label, from: m.ref.from, to: m.ref.to, sendTime: m.ref.sentAt } });
  }
  // At one time: what was lost, then what came instead, then the node's going down.
  const rank = (key: string) => (key.startsWith('lost:') ? 0 : key.startsWith('spike:') ? 1 : 2);
  for (const c of causes.sort((a, b) => a.time - b.time || rank(a.key) - rank(b.key))) {
    g.addNode(c.key, c.vertex);
    g.addEdge(root, c.key);
  }
  return g;
}

/** What else a node output in the run, for a name that matched none: `; server output {"stored":"b"}, …`. */
function othersOf(exec: CodeExecution, node: string): string {
  const values = [...new Set(exec.outputs.filter((o) => o.node === node).map((o) => JSON.stringify(o.value)))];
  if (values.length === 0) return `; ${node} output nothing in this run`;
  return `; ${node} output ${values.slice(0, 5).join(', ')}${values.length > 5 ? `, … (${values.length} values)` : ''}`;
}
