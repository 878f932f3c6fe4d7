import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.ts';
import { importCircles, importGraph } from './import-graph.ts';

const graph = importGraph(REPO, ['src', 'bin']);

/** The folder a module belongs to, as docs/architecture.md names them (targets by kind). */
function area(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'bin') return 'bin';
  if (parts[1] === 'targets' && parts.length > 3) return `targets/${parts[2]}`;
  return parts.length > 2 ? parts[1] : parts[1].replace(/\.ts$/, '');
}

function importsBetween(from: (a: string) => boolean, to: (a: string) => boolean): string[] {
  const out: string[] = [];
  for (const [file, targets] of graph) for (const t of targets) if (from(area(file)) && to(area(t))) out.push(`${file} → ${t}`);
  return out;
}

describe('the import graph (docs/architecture.md)', () => {
  it('finds a circle when there is one (the check itself)', () => {
    const g = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']], ['e', ['e', 'd']]]);
    expect(importCircles(g)).toEqual([['a', 'b', 'c']]);
  });

  it('has no circle anywhere in src/ and bin/', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(importCircles(graph).map((c) => c.join(' ↔ '))).toEqual([]);
  });

  it('points one way: model imports nothing of ldfi, nothing below report imports it, nothing below search imports it', () => {
    expect(importsBetween((a) => a === 'model', (a) => a !== 'model')).toEqual([]);
    const belowSearch = (a: string) => ['model', 'injector', 'lineage', 'solver', 'parallel'].includes(a) || a.startsWith('targets');
    expect(importsBetween(belowSearch, (a) => a === 'search' || a === 'report' || a === 'campaign' || a === 'bin')).toEqual([]);
    expect(importsBetween((a) => a === 'search', (a) => a === 'report' || a === 'campaign' || a === 'bin')).toEqual([]);
    // Targets know nothing of the solver.
    expect(importsBetween((a) => a.startsWith('targets'), (a) => a === 'solver')).toEqual([]);
  });

  it('keeps the targets apart: sim and tcp share code/ and never import each other', () => {
    expect(importsBetween((a) => a === 'targets/sim', (a) => a === 'targets/tcp' || a === 'targets/dedalus')).toEqual([]);
    expect(importsBetween((a) => a === 'targets/tcp', (a) => a === 'targets/sim' || a === 'targets/dedalus')).toEqual([]);
    expect(importsBetween((a) => a === 'targets/dedalus', (a) => a === 'targets/sim' || a === 'targets/tcp' || a === 'targets/code')).toEqual([]);
  });
});
