import { mkdtempSync, rmSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Spike, type LinkEvent, type NodeEvent } from '../../injector/spike.ts';
import { UserError } from '../../model/errors.ts';
import type { FaultSet } from '../../model/faults.ts';
import type { Deps, MessageEntry, TraceEvent } from '../code/execution.ts';
import { ExecutionRecorder } from '../code/recorder.ts';
import type { SystemSpec } from './api.ts';
import { framePayload, resetPrefix } from './framing.ts';
import { canonicalExecution, type SentMessage, type TcpExecution } from './canonical.ts';
import { NodeProcess, sleep } from './node-process.ts';
import { anyRunnable, bytesWaiting, trackDir, untrackDir } from './processes.ts';
import { freePort, LOOPBACK } from './ports.ts';
import { framingOf, LinkProxy, type Pair } from './proxy.ts';
import { failedResponse, recordedHttp } from './http-frames.ts';
import { traceReader, type TraceContext, type TraceReader } from './trace-id.ts';

/** OpenTelemetry's log correlation fields on an output line (W3C trace context systems). */
const CORRELATION_FIELDS = new Set(['trace_id', 'span_id', 'trace_flags', 'traceId', 'spanId', 'traceFlags']);

/** Defaults of a system's timing (real milliseconds). */
export const TCP_TIMING = { settleMs: 25, roundTimeoutMs: 5_000, readyTimeoutMs: 10_000 };

interface Held {
  readonly record: MessageEntry;
  readonly pair: Pair;
  /** Toward the connecting side of the link (a reply) or the accepting side. */
  readonly towardConnector: boolean;
  readonly frame: Buffer;
  readonly seq: number;
  /** The fault that cuts it short at delivery (`reset`): its first part arrives, then the connection resets. */
  readonly reset?: string;
  /** The trace it belongs to: the one it carries, or (an HTTP response) its request's. */
  readonly ctx?: TraceContext;
}

/**
 * Runs a system of real processes under a fault schedule, behind Spike's proxy, in rounds: starts
 * every process (each in its own process group), waits until each is ready, then for each round
 * applies the node and link faults that start then, writes the round's inputs (and ticks), and
 * delivers the messages sent in the round before, one per receiver at a time so each process sees
 * them in a fixed order (link, then sequence number), waiting for quiet after each. Everything it
 * started is stopped and removed before it returns, also when it throws.
 * Throws `UserError` when a process cannot be started or is never ready (a bad system, not a finding).
 */
export async function runSystem(system: SystemSpec, baseDir: string, eot: number, faults: FaultSet, signal?: AbortSignal): Promise<TcpExecution> {
  return playRun(await startRun(system, baseDir), eot, faults, signal);
}

/**
 * A run's start, before round 1 (no fault acts before it): ports, Spike's listeners, data folders,
 * every process started, ready and quiet. Everything stopped again when it throws (`UserError` for a
 * process that cannot start or is never ready). A target may start the next run's this way while a
 * run goes on, since most of a run is waiting (`TcpTarget`'s warm start).
 */
export async function startRun(system: SystemSpec, baseDir: string): Promise<StartedRun> {
  const run = new SystemRun(system, baseDir);
  try {
    await run.start();
    return run;
  } catch (e) {
    await run.stop();
    throw e;
  }
}

/** A run started (`startRun`), waiting for its faults and its rounds. */
export interface StartedRun {
  /** Everything it started stopped and removed (a run started and never played, too). */
  stop(): Promise<void>;
}

/** Plays a started run's rounds under `faults`; everything it started is stopped before it returns, also when it throws. */
export async function playRun(started: StartedRun, eot: number, faults: FaultSet, signal?: AbortSignal): Promise<TcpExecution> {
  const run = started as SystemRun;
  try {
    await run.play(eot, faults, signal);
    // As the run ended, before ldfi stops the processes.
    return run.execution();
  } finally {
    await run.stop();
  }
}

/**
 * The rounds of one run (Molly's synchronous model, over real processes): what happens when, and its
 * record (code/recorder.ts, shared with simulated runs). The processes are `NodeProcess`es
 * (node-process.ts), the connections go through `LinkProxy` (proxy.ts).
 */
class SystemRun implements StartedRun {
  private readonly rec = new ExecutionRecorder();
  /** No fault before round 1: the schedule's Spike comes with `play`. */
  private spike: Spike;
  private eot = 0;
  private signal?: AbortSignal;
  /** Trace events with their place in the canonical order (`record`). */
  private readonly events: { e: TraceEvent; sort: [number, number, string, number, number] }[] = [];
  private readonly sent: SentMessage[] = [];
  private readonly held: Held[] = [];
  private readonly procs = new Map<string, NodeProcess>();
  private readonly proxy: LinkProxy;
  private readonly outputServers: net.Server[] = [];
  private readonly seqs = new Map<string, number>();
  private readonly ports = new Map<string, number>();
  private readonly outputPorts = new Map<string, number>();
  private readonly dataDirs = new Map<string, string>();
  private readonly settleMs: number;
  private readonly roundTimeoutMs: number;
  private readonly readyTimeoutMs: number;
  private readonly prefix: string;
  private readonly traces?: TraceReader;
  /** HTTP: per connection, the traces of the requests delivered to the server and not answered yet (a response is in its request's trace). */
  private readonly answering = new WeakMap<Pair, (TraceContext | undefined)[]>();
  /** Processes with an action that carried no trace id, or started a trace on a tick: their lineage is the causal past. */
  private readonly untraced = new Set<string>();
  /** Messages dropped, by receiver, in the order dropped (`lostTo` reads them for every action). */
  private readonly lostByReceiver = new Map<string, MessageEntry[]>();
  /** The trace of each message sent (by id), for what an action comes after (`lostTo`). */
  private readonly traceOf = new Map<number, TraceContext | undefined>();
  /** Loopback only (checked when the system is loaded, and here again). */
  private readonly host: string;
  private round = 0;
  private lastActivity = Date.now();
  private endTime = 0;
  private stoppedAtTimeBound = false;
  private error: string | undefined;
  private interrupted = false;
  private stopping = false;
  private roundStarted = Date.now();
  /** The last round whose timeout was recorded. */
  private timedOut = -1;
  /** Links with a connection open as a round began, or accepted during it, by round. */
  private readonly connected = new Map<number, Set<string>>();

  constructor(
    private readonly system: SystemSpec,
    private readonly baseDir: string,
  ) {
    this.spike = new Spike([], this.rec.audit);
    this.settleMs = system.settleMs ?? TCP_TIMING.settleMs;
    this.roundTimeoutMs = system.roundTimeoutMs ?? TCP_TIMING.roundTimeoutMs;
    this.readyTimeoutMs = system.readyTimeoutMs ?? TCP_TIMING.readyTimeoutMs;
    this.prefix = system.outputPrefix ?? 'OUT ';
    this.traces = traceReader(system.traceId);
    this.host = system.bind ?? '127.0.0.1';
    if (!LOOPBACK.includes(this.host)) throw new UserError('BAD_PROGRAM', `bind: ${this.host} is refused; Spike binds to loopback only (${LOOPBACK.join(' or ')})`);
    const listener = {
      activity: () => void (this.lastActivity = Date.now()),
      output: (p: NodeProcess, text: string) => this.output(p, text),
      exited: (p: NodeProcess, how: string) => {
        this.rec.audit.add(this.round, 'process', p.name, `exited on its own (${how})`);
        this.rec.notes.push(`${p.name} exited on its own (${how}) in round ${this.round}`);
        this.record({ t: this.round, e: 'down', node: p.name }, 5, p.name);
      },
    };
    for (const [name, spec] of Object.entries(system.nodes)) this.procs.set(name, new NodeProcess(name, spec, listener));
    this.proxy = new LinkProxy(system, this.host, {
      activity: () => void (this.lastActivity = Date.now()),
      frame: (from, to, frame, pair, towardConnector) => this.captured(from, to, frame, pair, towardConnector),
      broken: (from, to, message) => void (this.error ??= `${from}→${to}: ${message}`),
      pending: (pair, towardConnector) => this.held.some((h) => h.pair === pair && h.towardConnector === towardConnector && h.record.status === 'pending'),
      ready: (node) => this.procs.get(node)!.ready,
      crashed: (node) => this.procs.get(node)!.crashed,
      port: (node) => this.ports.get(node)!,
    });
    this.proxy.onConnect = (key) => this.connected.get(this.round)?.add(key);
  }

  /** Round 0: everything set up and every process started, ready and quiet. */
  async start(): Promise<void> {
    for (const name of this.procs.keys()) {
      this.ports.set(name, await freePort(this.host));
      const dir = mkdtempSync(join(tmpdir(), `ldfi-tcp-${name}-`));
      trackDir(dir);
      this.dataDirs.set(name, dir);
    }
    for (const [from, to] of this.system.links) await this.proxy.listen(from, to);
    for (const p of this.procs.values()) await this.listenForOutputs(p);
    for (const w of this.system.workload) this.rec.input(w.node, w.at, w.value);
    this.roundStarted = Date.now();
    await Promise.all([...this.procs.values()].map((p) => this.startProcess(p)));
    this.roundStarted = Date.now();
    await this.quiet();
  }

  /** Rounds 1..EOT under the schedule. */
  async play(eot: number, faults: FaultSet, signal?: AbortSignal): Promise<void> {
    this.eot = eot;
    this.signal = signal;
    this.spike = new Spike(faults, this.rec.audit);
    const nodeEvents = this.spike.nodeEvents();
    const linkEvents = this.spike.linkEvents();
    // Iterated, not spread: the workload is the user's and may be long.
    let lastEvent = 0;
    for (const t of [nodeEvents.map((e) => e.time), linkEvents.map((e) => e.time), this.rec.inputs.map((i) => i.at)].flat()) lastEvent = Math.max(lastEvent, t);
    for (let t = 1; t <= this.eot; t++) {
      if (this.signal?.aborted) {
        this.interrupted = true;
        return;
      }
      this.round = t;
      this.roundStarted = Date.now();
      this.connected.set(t, new Set(this.proxy.openLinks()));
      for (const ev of nodeEvents.filter((e) => e.time === t)) await this.nodeEvent(ev);
      for (const ev of linkEvents.filter((e) => e.time === t)) this.linkEvent(ev);
      const busy = await this.playRound(t);
      if (busy) this.endTime = t;
      const pending = this.held.some((h) => h.record.status === 'pending');
      if (!pending && !this.system.ticks && t >= lastEvent) return;
    }
    this.stoppedAtTimeBound = this.held.some((h) => h.record.status === 'pending');
  }

  /** Inputs and ticks, then the messages due, one per receiver per phase. Returns whether anything happened. */
  private async playRound(t: number): Promise<boolean> {
    const stdinLines = new Map<string, { lines: string[]; ids: number[] }>();
    for (const p of this.procs.values()) {
      if (!p.up) {
        for (const i of this.rec.inputs) if (i.at === t && i.node === p.name) this.rec.refused.push(i.id);
        continue;
      }
      const entry = { lines: [] as string[], ids: [] as number[] };
      if (this.system.ticks) entry.lines.push(`tick ${t}`);
      for (const i of this.rec.inputs.filter((x) => x.at === t && x.node === p.name)) {
        entry.lines.push(typeof i.value === 'string' ? i.value : JSON.stringify(i.value));
        entry.ids.push(i.id);
        this.record({ t, e: 'input', node: p.name, id: i.id, value: i.value }, 1);
      }
      if (entry.lines.length) stdinLines.set(p.name, entry);
    }
    let busy = false;
    if (stdinLines.size) {
      busy = true;
      this.beginPhase();
      for (const [name, { lines, ids }] of stdinLines) {
        const p = this.procs.get(name)!;
        for (const id of ids) {
          p.past.ids.push(id);
          p.given.push(id);
          const input = this.rec.inputs.find((i) => i.id === id)!;
          p.remember(this.traces?.(typeof input.value === 'string' ? input.value : JSON.stringify(input.value)), id);
        }
        p.write(lines);
      }
      await this.quiet();
      this.endPhase(t, [...stdinLines.keys()]);
    }
    // Due messages, per receiver in a fixed order: link (sender, receiver), then sequence number.
    const due = this.held.filter((h) => h.record.status === 'pending' && h.record.deliverAt === t);
    const byReceiver = new Map<string, Held[]>();
    for (const h of due) (byReceiver.get(h.record.ref.to) ?? byReceiver.set(h.record.ref.to, []).get(h.record.ref.to)!).push(h);
    for (const list of byReceiver.values()) list.sort((a, b) => (a.record.ref.from < b.record.ref.from ? -1 : a.record.ref.from > b.record.ref.from ? 1 : a.seq - b.seq));
    let phases = 0;
    for (const l of byReceiver.values()) phases = Math.max(phases, l.length);
    for (let k = 0; k < phases; k++) {
      busy = true;
      this.beginPhase();
      const receivers = new Set<string>();
      const resets: Held[] = [];
      for (const [to, list] of [...byReceiver].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const h = list[k];
        if (!h) continue;
        if (!this.deliver(h)) continue;
        receivers.add(to);
        if (h.reset) resets.push(h);
      }
      await this.quiet();
      if (resets.length) {
        // The first part has been read (quiet: no byte waits in a socket); now the reset, which
        // both ends hear in this phase.
        for (const h of resets) {
          this.proxy.reset(h.pair, h.reset!);
          receivers.add(h.record.ref.from);
        }
        await this.quiet();
      }
      this.endPhase(t, [...receivers].sort());
    }
    return busy;
  }

  private deliver(h: Held): boolean {
    const m = h.record;
    const receiver = this.procs.get(m.ref.to)!;
    if (!receiver.up) {
      this.rec.lostAtReceiver(m);
      this.record({ t: this.round, e: 'lost', id: m.ref.id, to: m.ref.to }, 2);
      return false;
    }
    if (!this.proxy.canWrite(h.pair, h.towardConnector)) {
      const by = h.pair.closedBy ? `a connection closed by ${h.pair.closedBy}` : 'a closed connection';
      this.dropped(m, by, m.deliverAt);
      this.record({ t: this.round, e: 'drop', id: m.ref.id, by }, 2);
      this.proxy.settle(h.pair);
      return false;
    }
    if (h.reset) {
      // Cut short: the receiver reads the first part, then the connection resets (after quiet,
      // in playRound). The message never arrives whole.
      this.dropped(m, h.reset, this.round);
      this.record({ t: this.round, e: 'drop', id: m.ref.id, by: h.reset }, 2);
      this.proxy.write(h.pair, h.towardConnector, resetPrefix(h.frame, framingOf(this.system, m.ref.from, m.ref.to)), false);
      return true;
    }
    this.rec.delivered(m, receiver.past);
    receiver.given.push(m.ref.id);
    receiver.remember(h.ctx, m.ref.id);
    if (m.request) (this.answering.get(h.pair) ?? this.answering.set(h.pair, []).get(h.pair)!).push(h.ctx);
    this.proxy.write(h.pair, h.towardConnector, h.frame);
    this.record({ t: this.round, e: 'deliver', id: m.ref.id, to: m.ref.to }, 2);
    return true;
  }

  /**
   * Spike's answer to a request it failed: a response of `status` from the server's side, sent in the
   * request's round and delivered when the request would have been, depending on the request alone.
   * The server never sees the request, so no response of its answers it: its method leaves the
   * connection's queue (it is the last one: frames are handed over as they are cut).
   */
  private answerFailed(request: MessageEntry, pair: Pair, status: number, reason: string, ctx: TraceContext | undefined): void {
    pair.methods.pop();
    const { from, to } = request.ref;
    const frame = failedResponse(status, STATUS_CODES[status] ?? 'Error', reason);
    const seq = (this.seqs.get(`${to}→${from}`) ?? 0) + 1;
    this.seqs.set(`${to}→${from}`, seq);
    const text = frame.toString('utf8');
    const answer = this.rec.send(to, from, this.round, text, { explicit: [request.ref.id] });
    this.traceOf.set(answer.ref.id, ctx);
    answer.injected = reason;
    answer.deliverAt = this.round + 1;
    this.sent.push({ record: answer, seq, frame });
    this.record({ t: this.round, e: 'send', id: answer.ref.id, from: to, to: from, payload: text, at: this.round, by: reason }, 3, `${to}|${from}`, seq);
    this.held.push({ record: answer, pair, towardConnector: true, frame, seq, ...(ctx ? { ctx } : {}) });
  }

  /**
   * What an action in a trace depends on: what its process received in the same span (a context
   * passed on as it came), else in the same trace; the first action of a trace its process has not
   * seen (a new trace) on what started it, what the process was given in this phase (the inputs, or
   * the message delivered), which its later actions in that trace depend on too. Else — no trace id, or a new trace started by a tick — its causal past,
   * and the process is noted as one whose lineage is conservative (`untraced`).
   */
  private depsOf(p: NodeProcess, ctx: TraceContext | undefined): Deps {
    if (ctx !== undefined) {
      const span = ctx.span === undefined ? undefined : p.bySpan.get(`${ctx.trace}/${ctx.span}`);
      if (span?.length) return { explicit: [...span] };
      const trace = p.byTrace.get(ctx.trace);
      if (trace?.length) return { explicit: [...trace] };
      if (p.given.length) {
        // The trace's later actions (a retry on a tick) go back to what started it, too.
        for (const id of p.given) p.remember({ trace: ctx.trace }, id);
        return { explicit: [...p.given] };
      }
    }
    if (this.traces) this.untraced.add(p.name);
    return p.past.deps();
  }

  /**
   * The messages to `node` lost by now (dropped, cut short, or at a closed connection), ids in send
   * order, of the action's trace — or, for an action without one, all of them (its causal past is
   * everything, and so is what it did not get): what the action comes after.
   */
  private lostTo(node: string, ctx: TraceContext | undefined): number[] {
    const lost = this.lostByReceiver.get(node) ?? [];
    return lost.filter((m) => m.deliverAt <= this.round && (ctx === undefined || this.traceOf.get(m.ref.id)?.trace === ctx.trace)).map((m) => m.ref.id).sort((a, b) => a - b);
  }

  /** A message that will not arrive whole (`reason`: the fault), recorded and kept by receiver for `lostTo`. */
  private dropped(m: MessageEntry, reason: string, at: number): void {
    this.rec.dropped(m, reason, at);
    (this.lostByReceiver.get(m.ref.to) ?? this.lostByReceiver.set(m.ref.to, []).get(m.ref.to)!).push(m);
  }

  /**
   * The trace of a message: the one it carries; else, for an HTTP response, that of the request it
   * answers (the oldest unanswered on its connection; an interim 1xx answers none).
   */
  private contextOf(text: string, pair: Pair, response: boolean): TraceContext | undefined {
    if (!this.traces) return undefined;
    const own = this.traces(text);
    if (!response) return own;
    const queue = this.answering.get(pair);
    const answered = /^HTTP\/1\.[01] 1\d\d/.test(text) ? queue?.[0] : queue?.shift();
    return own ?? answered;
  }

  private beginPhase(): void {
    for (const p of this.procs.values()) (p.acted = false), (p.given = []);
    this.lastActivity = Date.now();
  }

  private endPhase(t: number, nodes: readonly string[]): void {
    for (const n of nodes) this.rec.invoked(n, t, this.procs.get(n)!.acted);
  }

  /** Every port of this run: the processes', Spike's proxy listeners and output channels. */
  private ownPorts(): Set<number> {
    return new Set([...this.ports.values(), ...this.proxy.allPorts(), ...this.outputPorts.values()]);
  }

  /**
   * Waits until no process has written anything for settleMs. A round that has taken more than its
   * timeout (a process that keeps writing) waits no more: its remaining phases follow at once, and
   * the run is marked as one that may not replay identically.
   */
  private async quiet(): Promise<void> {
    for (;;) {
      const idle = Date.now() - this.lastActivity;
      // A process in the middle of writing a message (part of a frame arrived) is not quiet.
      const midFrame = this.proxy.midFrame();
      // A process the kernel shows running or waiting for a core is not quiet either, however long
      // it has been silent: on a loaded machine, silence can be a process that has not run yet.
      // Nor is a run with bytes still in a socket's queue: sent, and not yet read by its process (or by Spike).
      if (idle >= this.settleMs && !midFrame && !anyRunnable([...this.procs.values()].filter((p) => p.up).map((p) => p.child?.pid)) && !bytesWaiting(this.ownPorts())) {
        // What a process wrote to its stdout before it went to sleep waits in a pipe, which ldfi
        // reads in its event loop's I/O phase — after the timer that woke this check. Let that
        // phase run once: a line read then is activity, and the round goes on.
        const before = this.lastActivity;
        await new Promise<void>((go) => setImmediate(go));
        if (this.lastActivity === before) return;
        continue;
      }
      if (Date.now() - this.roundStarted > this.roundTimeoutMs) {
        if (this.timedOut !== this.round) {
          this.timedOut = this.round;
          const what = `round ${this.round} ended by its ${this.roundTimeoutMs.toLocaleString('en-US')} ms timeout, not by quiet (a process kept writing): what it wrote next may fall in another round, so this run may not replay identically`;
          this.rec.audit.add(this.round, 'settle', 'spike', what);
          this.rec.unknown.push(what);
        }
        return;
      }
      await sleep(midFrame ? this.settleMs : this.settleMs - idle);
    }
  }

  /** A sink port per process (`LDFI_OUTPUT`): each line written to a connection to it is an output. */
  private async listenForOutputs(p: NodeProcess): Promise<void> {
    const server = net.createServer((socket) => {
      let tail = '';
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => {
        this.lastActivity = Date.now();
        const lines = (tail + chunk.toString('utf8')).split('\n');
        tail = lines.pop()!;
        for (const line of lines) this.output(p, line);
      });
    });
    this.outputServers.push(server);
    await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, this.host, () => ok()));
    this.outputPorts.set(p.name, (server.address() as net.AddressInfo).port);
  }

  /** A whole message a process wrote: recorded, its fate decided by Spike, and held for the next round. */
  private captured(from: string, to: string, frame: Buffer, pair: Pair, towardConnector: boolean): void {
    const sender = this.procs.get(from)!;
    sender.acted = true;
    const channel = `${from}→${to}`;
    const seq = (this.seqs.get(channel) ?? 0) + 1;
    this.seqs.set(channel, seq);
    const framing = framingOf(this.system, from, to);
    // What is recorded and hashed names the service, not the port Spike happened to listen on, nor the wall clock.
    const recorded = framing === 'http' ? recordedHttp(frame, to) : frame;
    const text = framePayload(recorded, framing).toString('utf8');
    // Over HTTP the connecting side writes requests: only those can fail.
    const request = framing === 'http' && !towardConnector;
    const ctx = this.contextOf(text, pair, framing === 'http' && towardConnector);
    const record = this.rec.send(from, to, this.round, text, this.depsOf(sender, ctx));
    this.traceOf.set(record.ref.id, ctx);
    const after = this.lostTo(from, ctx);
    if (after.length) record.after = after;
    if (request) record.request = true;
    const id = record.ref.id;
    record.deliverAt = this.round + 1;
    this.sent.push({ record, seq, frame: recorded });
    this.record({ t: this.round, e: 'send', id, from, to, payload: text, at: this.round }, 3, `${from}|${to}`, seq);
    const fate = this.spike.messageFate(from, to, this.round, `#${id}`, request);
    if (fate.kind === 'drop' || fate.kind === 'fail') {
      this.dropped(record, fate.reason, this.round + 1);
      this.record({ t: this.round, e: 'drop', id, by: fate.reason }, 3, `${from}|${to}`, seq + 0.5);
      if (fate.kind === 'fail') this.answerFailed(record, pair, fate.status, fate.reason, ctx);
      return;
    }
    record.deliverAt = this.round + 1 + (fate.kind === 'deliver' ? fate.extraDelay : 0);
    this.held.push({ record, pair, towardConnector, frame, seq, ...(fate.kind === 'reset' ? { reset: fate.reason } : {}), ...(ctx ? { ctx } : {}) });
  }

  private async startProcess(p: NodeProcess): Promise<void> {
    const spec = this.system.nodes[p.name];
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...spec.env, LDFI_NODE: p.name, LDFI_HOST: this.host, LDFI_PORT: String(this.ports.get(p.name)), LDFI_DATA: this.dataDirs.get(p.name)! };
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    for (const [from, to] of this.system.links) if (from === p.name) env[`LDFI_PEER_${envName(to)}`] = `${host}:${this.proxy.portOf(from, to)}`;
    env.LDFI_OUTPUT = `${host}:${this.outputPorts.get(p.name)}`;
    await p.start(env, resolve(this.baseDir, spec.cwd ?? '.'), this.ports.get(p.name)!, this.host, this.prefix, this.readyTimeoutMs);
  }

  private output(p: NodeProcess, text: string): void {
    p.acted = true;
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // Not JSON: the text itself.
    }
    // OpenTelemetry's log correlation fields say what an output depends on; they are not its value
    // (a retry's output is the same output, in another span).
    if (this.system.traceId === 'traceparent' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      value = Object.fromEntries(Object.entries(value).filter(([k]) => !CORRELATION_FIELDS.has(k)));
    }
    const ctx = this.traces?.(text);
    const out = this.rec.output(p.name, this.round, value, this.depsOf(p, ctx));
    const after = this.lostTo(p.name, ctx);
    if (after.length) out.after = after;
    this.record({ t: this.round, e: 'output', node: p.name, value }, 4, p.name, ++p.outputCount);
  }

  private async nodeEvent(ev: NodeEvent): Promise<void> {
    const p = this.procs.get(ev.node)!;
    this.rec.audit.add(this.round, 'fault', 'spike', `${ev.kind} ${ev.node}`, ev.fault);
    this.record({ t: this.round, e: ev.kind, node: ev.node }, 0);
    if (ev.kind === 'crash' || ev.kind === 'down') {
      if (ev.kind === 'crash') p.crashed = true;
      else p.restarted = true;
      p.up = false;
      await p.kill();
    } else if (!p.crashed) {
      await this.startProcess(p);
      await this.quiet();
    }
  }

  private linkEvent(ev: LinkEvent): void {
    this.rec.audit.add(this.round, 'fault', 'spike', `${ev.kind} ${ev.from}→${ev.to}`, ev.fault);
    this.record({ t: this.round, e: ev.kind, from: ev.from, to: ev.to }, 0);
    // A real reset: both processes see their connection drop and may reconnect after the window.
    if (ev.kind === 'disconnect') this.proxy.drop(ev.from, ev.to, ev.fault);
    else this.proxy.restore(ev.from, ev.to);
  }

  /** The run as ldfi reports it: in canonical order (canonical.ts). */
  execution(): TcpExecution {
    return canonicalExecution({
      recorded: this.rec.execution({ events: [], eventCount: 0, crashed: [], down: [], stoppedAtTimeBound: this.stoppedAtTimeBound, endTime: this.endTime, error: this.error, interrupted: this.interrupted }),
      events: this.events,
      sent: this.sent,
      procs: [...this.procs.values()].map((p) => ({ name: p.name, crashed: p.crashed, restarted: p.restarted, up: p.up, past: p.past.ids, log: p.log })),
      connected: this.connected,
      links: this.system.links,
      untraced: this.untraced,
    });
  }

  /** Stops every process, connection and server, and removes the data directories. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const p of this.procs.values()) p.stopping = true;
    await Promise.all([...this.procs.values()].map((p) => p.kill()));
    await this.proxy.stop();
    await Promise.all(this.outputServers.map((s) => new Promise<void>((ok) => s.close(() => ok()))));
    for (const dir of this.dataDirs.values()) {
      rmSync(dir, { recursive: true, force: true });
      untrackDir(dir);
    }
  }

  /**
   * Records a trace event with its place in the canonical order: processes answer in parallel, so
   * what happens within a phase arrives in any order; the trace orders it by round, then faults,
   * inputs, deliveries (in delivery order), sends (by link and sequence number), outputs (by node and
   * its own order), and processes that exited.
   */
  private record(e: TraceEvent, group: number, key = '', n = 0): void {
    this.events.push({ e, sort: [e.t, group, key, n, this.events.length] });
  }
}

function envName(node: string): string {
  return node.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
