#!/usr/bin/env node
// Runs a TypeScript entry point without a build step: tsx's loader compiles each module on import.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { registerSourceCondition } from './source-condition.js';

registerSourceCondition();
register();
const [entry, ...rest] = process.argv.slice(2);
process.argv = [process.argv[0], entry, ...rest];
await import(pathToFileURL(resolve(entry)).href);
