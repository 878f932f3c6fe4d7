import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

/**
 * Where a variable is declared, in the protocol or a module it imports by a relative path (the
 * first declaration by that name, breadth first): best effort, for pointing at closure state.
 */
export function declarationSite(file: string, name: string): { file: string; line: number; column: number } | undefined {
  const queue = [resolve(file)];
  const seen = new Set<string>();
  const decl = new RegExp(`\\b(?:let|var|const)\\s+${name.replace(/[$]/g, '\\$')}\\b`);
  while (queue.length && seen.size < 50) {
    const f = queue.shift()!;
    if (seen.has(f)) continue;
    seen.add(f);
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const m = decl.exec(text);
    if (m) {
      const before = text.slice(0, m.index + m[0].length - name.length).split('\n');
      return { file: f === resolve(file) ? file : relative(process.cwd(), f), line: before.length, column: before[before.length - 1].length + 1 };
    }
    for (const imp of text.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolve(dirname(f), imp[1]);
      for (const candidate of [target, target.replace(/\.js$/, '.ts'), `${target}.ts`, `${target}/index.ts`]) if (existsSync(candidate)) queue.push(candidate);
    }
  }
  return undefined;
}
