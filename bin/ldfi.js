#!/usr/bin/env node
// The `ldfi` command. `npm ci` compiles the sources to dist/ (the `prepare` script), and the command
// runs that JavaScript: start-up without compiling anything. When the sources are newer than the build
// (a working copy being edited) or there is no build, tsx compiles them on import instead.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.built');

/** The newest modification time of the TypeScript sources the build is made of. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

// LDFI_FROM_SOURCES=1 runs the sources even when the build is fresh (to measure start-up both ways).
const fresh = !process.env.LDFI_FROM_SOURCES && existsSync(stamp) && statSync(stamp).mtimeMs >= Math.max(newestSource(join(root, 'src')), newestSource(join(root, 'bin')));
if (fresh) {
  await import('../dist/bin/ldfi.js');
} else {
  const { register } = await import('tsx/esm/api');
  const { registerSourceCondition } = await import('./source-condition.js');
  registerSourceCondition();
  register();
  await import('./ldfi.ts');
}
