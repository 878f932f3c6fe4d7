import { readFileSync } from 'node:fs';
import { conservativeGroups, conservativeSentence } from './closure-state.ts';
import { declarationSite } from './declaration-site.ts';
import { isUserError } from '../../model/errors.ts';
import { problemOf, type Problem } from '../code/type-check.ts';
import { HANDLER_NAMES } from './api.ts';
import { SimTarget } from './target.ts';
import { detachedStore } from './state.ts';

/**
 * What `ldfi check` finds in a protocol once it type-checks: one that does not load or has the wrong
 * shape, handler names no node can have (`onMesage`), and no invariant (a warning).
 */
export async function shapeProblems(file: string): Promise<Problem[]> {
  let target: SimTarget;
  try {
    target = await SimTarget.open(file, { seed: '1' });
  } catch (e) {
    if (!isUserError(e)) throw e;
    return [problemOf(e.message, file)];
  }
  const text = readFileSync(file, 'utf8');
  const problems: Problem[] = [];
  const known = new Set<string>(HANDLER_NAMES);
  const reported = new Set<string>();
  for (const id of target.protocol.nodes) {
    let handlers: Record<string, unknown>;
    try {
      handlers = (target.protocol.node(id, detachedStore(id)) ?? {}) as unknown as Record<string, unknown>;
    } catch (e) {
      problems.push({ file, line: 0, column: 0, message: `node(${JSON.stringify(id)}) threw: ${(e as Error)?.message ?? String(e)}` });
      continue;
    }
    for (const [key, value] of Object.entries(handlers)) {
      const where = locate(text, key);
      if (!known.has(key)) {
        if (reported.has(key)) continue;
        reported.add(key);
        const near = closest(key, HANDLER_NAMES);
        problems.push({ file, ...where, message: `node ${id}: '${key}' is not a handler, so it is never called${near ? ` (did you mean ${near}?)` : ''}; handlers: ${HANDLER_NAMES.join(', ')}` });
      } else if (typeof value !== 'function') {
        problems.push({ file, ...where, message: `node ${id}: ${key} is ${value === null ? 'null' : typeof value}, not a function` });
      }
    }
  }
  if (target.invariantless) problems.push({ file, line: 0, column: 0, message: target.invariantless, warning: true });
  for (const g of conservativeGroups(target.stateAudit)) {
    const site = g.why.map((w) => (w.variable ? declarationSite(file, w.variable) : undefined)).find((s) => s);
    problems.push({ file: site?.file ?? file, line: site?.line ?? 0, column: site?.column ?? 0, message: conservativeSentence(g), warning: true });
  }
  return problems;
}


/** Where a handler name first appears in the source (as a property or method). */
function locate(text: string, key: string): { line: number; column: number } {
  const m = new RegExp(`\\b${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b\\s*[:(]`).exec(text);
  if (!m) return { line: 0, column: 0 };
  const before = text.slice(0, m.index).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** The handler name within two edits of `key`, if there is one (case-insensitive). */
function closest(key: string, names: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = editDistance(key.toLowerCase(), name.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

