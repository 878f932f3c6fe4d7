import type { Fault } from '../../model/faults.ts';
import { formatFaults } from '../../injector/text.ts';
import type { TraceFile } from '../trace-file.ts';
import { createHash } from 'node:crypto';
import type { CodeExecution, TraceEvent } from '../code/execution.ts';
import type { Target } from '../../model/target.ts';

/** A simulated run written down: its events are the simulator's (`TraceEvent`). */
export interface SimTraceFile extends TraceFile {
  events: TraceEvent[];
}

/** The trace of `exec`, a run of `t` under `faults` simulated with its trace on. */
export function simTraceFile(t: Pick<Target, 'files' | 'contentHash' | 'bounds'> & { readonly seed: string }, faults: Fault[], exec: CodeExecution): SimTraceFile {
  return {
    format: 'ldfi-trace',
    version: 1,
    target: { files: t.files, contentHash: t.contentHash },
    bounds: t.bounds,
    seed: t.seed,
    faults,
    faultText: formatFaults(faults),
    hash: traceHash(exec),
    events: exec.events,
    audit: exec.audit.entries,
  };
}

/** A hash of a run's trace and audit log: equal hashes mean the same run, byte for byte. */
export function traceHash(exec: CodeExecution): string {
  return createHash('sha256').update(JSON.stringify(exec.events)).update('\u0000').update(JSON.stringify(exec.audit.entries)).digest('hex');
}
