#!/usr/bin/env node
// The `ldfi` command. tsx compiles the TypeScript sources (and users' TypeScript protocols) on import,
// so a fresh clone needs `npm ci` and nothing else.
import { register } from 'tsx/esm/api';

register();
await import('./ldfi.ts');
