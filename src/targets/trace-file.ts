import { readFileSync } from 'node:fs';
import { UserError } from '../model/errors.ts';
import type { Bounds } from '../model/bounds.ts';
import type { Fault } from '../model/faults.ts';
import type { AuditEntry } from '../injector/audit.ts';
import type { RunTrace } from '../model/target.ts';

/**
 * A run written down (`ldfi replay --trace`): what to run (files, bounds, seed, faults), what
 * happened (the target's events and audit log) and its hash; `ldfi replay --from-trace` runs it again
 * and compares. Shared by sim protocols and tcp systems, which add their own fields.
 */
export interface TraceFile extends RunTrace {
  format: 'ldfi-trace';
  version: 1;
  target: { files: readonly string[]; contentHash: string };
  bounds: Bounds;
  /** The simulated network's seed; empty for real processes. */
  seed: string;
  faults: Fault[];
  faultText: string;
  hash: string;
  events: unknown[];
  audit: AuditEntry[];
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
