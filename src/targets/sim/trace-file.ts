import { readFileSync } from 'node:fs';
import { UserError } from '../../model/errors.ts';
import type { Bounds } from '../../model/bounds.ts';
import type { Fault } from '../../model/faults.ts';
import { formatFaults } from '../../injector/text.ts';
import type { AuditEntry } from '../../injector/audit.ts';
import type { TraceEvent } from './simulator.ts';
import { traceHash, type SimTarget } from './target.ts';

/** A run written down: what to run (files, bounds, seed, faults), what happened, and its hash. */
export interface TraceFile {
  format: 'ldfi-trace';
  version: 1;
  target: { files: readonly string[]; contentHash: string };
  bounds: Bounds;
  seed: string;
  faults: Fault[];
  faultText: string;
  hash: string;
  events: TraceEvent[];
  audit: AuditEntry[];
}

export function traceFile(t: SimTarget, faults: Fault[]): TraceFile {
  const exec = t.simulate(faults, true);
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

export function readTraceFile(path: string): TraceFile {
  let data: TraceFile;
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as TraceFile;
  } catch (e) {
    throw new UserError('FILE', `--from-trace ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'not a JSON trace file'}`);
  }
  if (data?.format !== 'ldfi-trace' || data.version !== 1) throw new UserError('FILE', `--from-trace ${path}: not an ldfi trace (format ldfi-trace, version 1)`);
  const missing = [
    Array.isArray(data.target?.files) && data.target.files.length ? '' : 'target.files',
    typeof data.bounds?.eot === 'number' && typeof data.bounds?.eff === 'number' && typeof data.bounds?.crashes === 'number' && Array.isArray(data.bounds?.nodes) ? '' : 'bounds',
    typeof data.seed === 'string' ? '' : 'seed',
    Array.isArray(data.faults) ? '' : 'faults',
    typeof data.hash === 'string' ? '' : 'hash',
  ].filter(Boolean);
  if (missing.length) throw new UserError('FILE', `--from-trace ${path}: the trace lacks ${missing.join(', ')} (was it cut short or edited?)`);
  return data;
}
