import type { Fault } from '../../model/faults.ts';
import { formatFaults } from '../../injector/text.ts';
import type { TraceFile } from '../trace-file.ts';
import type { SimExecution, TraceEvent } from './simulator.ts';
import { traceHash, type SimTarget } from './target.ts';

/** A simulated run written down: its events are the simulator's (`TraceEvent`). */
export interface SimTraceFile extends TraceFile {
  events: TraceEvent[];
}

/** The trace of `exec`, a run of `t` under `faults` simulated with its trace on. */
export function simTraceFile(t: SimTarget, faults: Fault[], exec: SimExecution): SimTraceFile {
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
