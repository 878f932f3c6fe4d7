import type { SearchResult } from '../../src/search/result.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes program files into a fresh temporary folder; `cleanup` removes it. */
export function writePrograms(files: Record<string, string>): { dir: string; paths: Record<string, string>; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ldfi-test-'));
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], text);
  }
  return { dir, paths, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A search's result, or `vacuous` when it refused a program whose invariant no run can evaluate (strategies must agree on it). */
export async function outcome(p: Promise<SearchResult>): Promise<SearchResult | 'vacuous'> {
  try {
    return await p;
  } catch (e) {
    if (/the invariant is never evaluated/.test((e as Error).message)) return 'vacuous';
    throw e;
  }
}
export const statusOf = (r: SearchResult | 'vacuous') => (r === 'vacuous' ? r : r.status);
export const cexesOf = (r: SearchResult | 'vacuous') => (r === 'vacuous' ? [] : r.counterexamples);
