import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './cli.ts';

/** The newest modification time of the TypeScript sources under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether dist/ is as new as the sources (the rule bin/ldfi.js runs the build by). */
export function freshBuild(): boolean {
  const stamp = join(REPO, 'dist', '.built');
  return existsSync(stamp) && statSync(stamp).mtimeMs >= Math.max(newestSource(join(REPO, 'src')), newestSource(join(REPO, 'bin')));
}
