import { createHash } from 'node:crypto';
import type { CodeExecution, Deps, MessageEntry, TraceEvent } from '../code/execution.ts';

/** One run of a system, as the sim target's execution model describes runs (so lineage, footprint and views are shared). */
export type TcpExecution = CodeExecution & {
  /** Each process's stdout lines that are not outputs, and its stderr, for the trace. */
  readonly logs: ReadonlyMap<string, readonly string[]>;
  /** Every message as Spike saw it on the wire, in canonical order. */
  readonly wire: readonly WireMessage[];
  /** Links (`from|to`) with a connection open as a round began, or accepted during it, by round: where dropping the connection changes the run. */
  readonly connected: ReadonlyMap<number, readonly string[]>;
  /** With a trace id configured: the processes that took an action without one (their lineage is the causal past), by name. */
  readonly untraced: readonly string[];
};

/** A message as the trace records it. */
export interface WireMessage {
  readonly id: number;
  /** `from→to`. */
  readonly link: string;
  /** The round it was sent in, and its number among the link's messages. */
  readonly round: number;
  readonly seq: number;
  /** Bytes on the wire (framing included). */
  readonly size: number;
  /** SHA-256 of the frame, first 16 hex digits. */
  readonly hash: string;
  /** The payload's first 40 bytes as text. */
  readonly preview: string;
  readonly status: MessageEntry['status'];
  readonly deliverAt: number;
  readonly reason?: string;
  /** Sent by Spike in answer to a request it failed (the fault). */
  readonly injected?: string;
}

/** A message as it was captured, with its number on its link and its bytes on the wire. */
export interface SentMessage {
  readonly record: MessageEntry;
  readonly seq: number;
  readonly frame: Buffer;
}

/** What a run recorded, in the order things happened (processes answering in parallel). */
export interface RawRun {
  /** The recorder's execution (its own events empty: the trace events come with their sort keys). */
  readonly recorded: CodeExecution;
  readonly events: readonly { e: TraceEvent; sort: [number, number, string, number, number] }[];
  readonly sent: readonly SentMessage[];
  readonly procs: readonly { name: string; crashed: boolean; restarted: boolean; up: boolean; past: number[]; log: readonly string[] }[];
  readonly connected: ReadonlyMap<number, ReadonlySet<string>>;
  /** The system's links, [from, to]. */
  readonly links: readonly (readonly [string, string])[];
  readonly untraced: ReadonlySet<string>;
}

/**
 * A run in canonical form: messages in (round, link, sequence) order with ids given in that
 * order, outputs by (round, node, the node's own order), events as `record` orders them, so that
 * the same schedule gives the same execution whatever order parallel processes answered in.
 */
export function canonicalExecution(raw: RawRun): TcpExecution {
  const all = raw.procs;
  const rec = raw.recorded;
  const ordered = [...raw.sent].sort((a, b) => a.record.ref.sentAt - b.record.ref.sentAt || cmp(a.record.ref.from, b.record.ref.from) || cmp(a.record.ref.to, b.record.ref.to) || a.seq - b.seq);
  const rename = traceIdRenaming(ordered);
  const sent = ordered.map((x) => (rename ? { ...x, record: { ...x.record, ref: { ...x.record.ref, payload: rename(String(x.record.ref.payload)) } }, frame: Buffer.from(rename(x.frame.toString('latin1')), 'latin1') } : x));
  const messages = sent.map((x) => x.record);
  const ids = new Map<number, number>(rec.inputs.map((i) => [i.id, i.id]));
  let next = rec.inputs.length + 1;
  for (const m of messages) ids.set(m.ref.id, next++);
  const remap = (id: number) => ids.get(id) ?? id;
  const seen = new Set<number[]>();
  const depIds = (d: Deps) => ('explicit' in d ? d.explicit : d.past) as number[];
  const renumbered = messages.map((m) => {
    remapOnce(depIds(m.deps), remap, seen);
    if (m.after) remapOnce(m.after, remap, seen);
    return { ...m, ref: { ...m.ref, id: remap(m.ref.id) } } as MessageEntry;
  });
  const causes: CodeExecution['causes'] = new Map([...rec.inputs].map((ref) => [ref.id, { kind: 'input' as const, ref }]));
  for (const m of renumbered) causes.set(m.ref.id, { kind: 'message', record: m });
  for (const o of rec.outputs) {
    remapOnce(depIds(o.deps), remap, seen);
    if (o.after) remapOnce(o.after, remap, seen);
  }
  for (const p of all) remapOnce(p.past, remap, seen);
  const order = new Map(rec.outputs.map((o, i) => [o, i]));
  const outputs = [...rec.outputs].sort((a, b) => a.at - b.at || cmp(a.node, b.node) || order.get(a)! - order.get(b)!);
  const events = [...raw.events]
    .sort((a, b) => a.sort[0] - b.sort[0] || a.sort[1] - b.sort[1] || cmp(a.sort[2], b.sort[2]) || a.sort[3] - b.sort[3] || a.sort[4] - b.sort[4])
    .map(({ e }) => ('id' in e ? ({ ...e, id: remap(e.id), ...(rename && e.e === 'send' && typeof e.payload === 'string' ? { payload: rename(e.payload) } : {}) } as TraceEvent) : e));
  return {
    ...rec,
    events,
    invocations: [...rec.invocations],
    messages: renumbered,
    outputs,
    causes,
    crashed: all.filter((p) => p.crashed).map((p) => p.name),
    restarted: all.filter((p) => p.restarted).map((p) => p.name),
    down: all.filter((p) => !p.up).map((p) => p.name),
    // A real process sees its connection reset; what it does about it is opaque.
    hearsConnections: all.map((p) => p.name),
    connectionsOpaque: true,
    links: raw.links,
    eventCount: events.length,
    logs: new Map(all.map((p) => [p.name, [...p.log]])),
    connected: new Map([...raw.connected].map(([t, keys]) => [t, [...keys].sort()])),
    untraced: [...raw.untraced].sort(),
    wire: sent.map(({ record: m, seq, frame }, i) => {
      const r = renumbered[i];
      return {
        id: r.ref.id,
        link: `${m.ref.from}→${m.ref.to}`,
        round: m.ref.sentAt,
        seq,
        size: frame.length,
        hash: createHash('sha256').update(frame).digest('hex').slice(0, 16),
        preview: String(m.ref.payload).slice(0, 40),
        status: m.status,
        deliverAt: m.deliverAt,
        ...(m.reason ? { reason: m.reason } : {}),
        ...(m.injected ? { injected: m.injected } : {}),
      };
    }),
  };
}

// W3C trace context: version, trace id, parent (span) id.
const TRACEPARENT = /traceparent"?\s*[:=]\s*"?[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-/gi;

/**
 * W3C trace context ids renamed in order of first appearance in the canonical order (trace
 * 000…1, span 000…1, …), wherever they occur in a message: an instrumented service (OpenTelemetry's
 * SDK) draws random ids in every run, and one schedule must give one trace byte for byte. The bytes
 * delivered were the originals; lineage was followed on them. Undefined when no message carries any.
 */
function traceIdRenaming(sent: readonly SentMessage[]): ((text: string) => string) | undefined {
  const traces = new Map<string, string>();
  const spans = new Map<string, string>();
  for (const { frame } of sent) {
    for (const m of frame.toString('latin1').matchAll(TRACEPARENT)) {
      const [t, sp] = [m[1].toLowerCase(), m[2].toLowerCase()];
      if (!traces.has(t)) traces.set(t, String(traces.size + 1).padStart(32, '0'));
      if (!spans.has(sp)) spans.set(sp, String(spans.size + 1).padStart(16, '0'));
    }
  }
  if (traces.size === 0) return undefined;
  const all = new Map([...traces, ...spans]);
  const any = new RegExp([...all.keys()].join('|'), 'gi');
  return (text) => text.replace(any, (id) => all.get(id.toLowerCase()) ?? id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Renumbers the ids in a causal-past array once (arrays are shared by every action of a process). */
function remapOnce(past: number[], remap: (id: number) => number, seen: Set<number[]>): void {
  if (seen.has(past)) return;
  seen.add(past);
  for (let i = 0; i < past.length; i++) past[i] = remap(past[i]);
}

/** A hash of a run's message trace: every message (link, round, sequence number, content, fate) and output; equal hashes, same run. */
export function messageTraceHash(exec: TcpExecution): string {
  const h = createHash('sha256');
  for (const m of exec.wire) h.update(`${m.link}@${m.round}#${m.seq}:${m.size}:${m.hash}:${m.status}@${m.deliverAt}\n`);
  for (const o of exec.outputs) h.update(`out ${o.node}@${o.at}:${JSON.stringify(o.value)}\n`);
  return h.digest('hex');
}
