#!/usr/bin/env node
// Compiles src/ and bin/ to dist/ (run by `npm ci` through the `prepare` script), then stamps the
// build so that bin/ldfi.js can tell it is at least as new as the sources.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
writeFileSync(join(root, 'dist', '.built'), `${new Date().toISOString()}\n`);
