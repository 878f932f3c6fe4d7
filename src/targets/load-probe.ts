import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { UserError } from '../model/errors.ts';
import { trapProcessExit } from './exit-trap.ts';

/** How long a protocol or system module may take to load, in ms (its top-level code, not its handlers); LDFI_LOAD_TIMEOUT_MS sets another. */
export const LOAD_TIMEOUT_MS = 10_000;

// The probe: plain JavaScript in a worker, importing each module it is sent through tsx, as ldfi does.
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const tsx = import(workerData.tsx);
parentPort.on('message', ({ id, url }) => {
  tsx.then(({ tsImport }) => tsImport(url, url)).then(() => parentPort.postMessage({ id, outcome: 'loaded' }), () => parentPort.postMessage({ id, outcome: 'failed' }));
});
`;

/** Modules already known to load in time, by path and content (a search opens the same file again and again). */
const known = new Set<string>();

/** One probe thread per process, started on first use; it never keeps the process alive. */
let probe: { worker: Worker; waiting: Map<number, (outcome: string) => void> } | undefined;
let nextId = 0;

function probeThread(): NonNullable<typeof probe> {
  if (probe) return probe;
  const worker = new Worker(PROBE, {
    eval: true,
    workerData: { tsx: import.meta.resolve('tsx/esm/api') },
  });
  const waiting = new Map<number, (outcome: string) => void>();
  const fail = () => {
    for (const done of waiting.values()) done('failed');
    waiting.clear();
    if (probe?.worker === worker) probe = undefined;
  };
  worker.on('message', ({ id, outcome }: { id: number; outcome: string }) => {
    waiting.get(id)?.(outcome);
    waiting.delete(id);
  });
  worker.on('error', fail);
  worker.on('exit', fail);
  // After the listeners (adding a 'message' listener refs the thread again): while a probe waits, its
  // timer keeps the process alive; otherwise the thread never does.
  worker.unref();
  return (probe = { worker, waiting });
}

/**
 * Loads a user's module once in a worker thread, under a time bound, before ldfi loads it for real: a
 * module whose top-level code never finishes (a loop outside any handler) would otherwise hang ldfi,
 * since handlers run under the watchdog but module code does not, and no signal handler can run while
 * it spins. Throws `UserError` when the load does not finish in time (the spinning thread is
 * terminated); a module that fails to load is left to the real load, which names the error.
 */
export async function probeModuleLoad(file: string, content: string, timeoutMs = Number(process.env.LDFI_LOAD_TIMEOUT_MS) || LOAD_TIMEOUT_MS): Promise<void> {
  // From now on a user's module that calls process.exit (at load, in a handler, an invariant) throws.
  trapProcessExit();
  const key = `${resolve(file)}\u0000${content}`;
  if (known.has(key)) return;
  const p = probeThread();
  const id = nextId++;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await new Promise<string>((done) => {
    timer = setTimeout(() => done('timeout'), timeoutMs);
    p.waiting.set(id, done);
    p.worker.postMessage({ id, url: pathToFileURL(resolve(file)).href });
  });
  clearTimeout(timer);
  p.waiting.delete(id);
  if (outcome === 'timeout') {
    // The thread is stuck in that module: ended, and the next probe starts a fresh one.
    if (probe === p) probe = undefined;
    await p.worker.terminate();
    throw new UserError('BAD_PROGRAM', `${file}: loading it did not finish within ${timeoutMs / 1000} s: its top-level code never ends (a loop outside any handler?); a protocol's work belongs in its handlers`);
  }
  if (outcome === 'loaded') known.add(key);
}
