import { formatFaults } from '../../injector/text.ts';
import type { Fault } from '../../model/faults.ts';
import type { TraceFile } from '../trace-file.ts';
import { messageTraceHash, type TcpExecution, type WireMessage } from './canonical.ts';
import type { Target } from '../../model/target.ts';

/** A tcp run written down: the sim trace's fields, every message as Spike saw it, and each process's log. */
export interface TcpTraceFile extends TraceFile {
  kind: 'tcp';
  messages: WireMessage[];
  logs: Record<string, string[]>;
}

/** The trace of an execution of `t` under `faults`; its hash is the message trace hash. */
export function tcpTraceFile(t: Pick<Target, 'files' | 'contentHash' | 'bounds'>, faults: Fault[], exec: TcpExecution): TcpTraceFile {
  return {
    format: 'ldfi-trace',
    version: 1,
    kind: 'tcp',
    target: { files: t.files, contentHash: t.contentHash },
    bounds: t.bounds,
    seed: '',
    faults,
    faultText: formatFaults(faults),
    hash: messageTraceHash(exec),
    messages: [...exec.wire],
    events: exec.events,
    audit: exec.audit.entries,
    logs: Object.fromEntries([...exec.logs].map(([n, l]) => [n, [...l]])),
  };
}
