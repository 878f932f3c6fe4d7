import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuditLog } from '../../injector/audit.ts';
import { Spike, type LinkEvent, type NodeEvent } from '../../injector/spike.ts';
import { UserError } from '../../model/errors.ts';
import type { FaultSet } from '../../model/faults.ts';
import type { InputRef } from '../code/outputs.ts';
import type { Deps, Invocation, MessageEntry, OutputEntry, TraceEvent } from '../code/execution.ts';
import type { SystemSpec } from './api.ts';
import { FrameDecoder, framePayload, type Framing } from './framing.ts';
import { canonicalExecution, type SentMessage, type TcpExecution } from './canonical.ts';
import { anyRunnable, bytesWaiting, track, trackDir, untrack, untrackDir } from './processes.ts';
import { accepts, freePort, LOOPBACK } from './ports.ts';
import { traceIdPattern } from './trace-id.ts';

/** Defaults of a system's timing (real milliseconds). */
export const TCP_TIMING = { settleMs: 25, roundTimeoutMs: 5_000, readyTimeoutMs: 10_000 };

interface Pair {
  readonly key: string;
  readonly down: net.Socket;
  /** The connection to the accepting process, made once it is ready. */
  up?: net.Socket;
  /** A side that closed (its process exited, or closed it): nothing more is written to it. */
  downGone: boolean;
  upGone: boolean;
  /** The decoders of what each side writes (a side that is gone will not finish its frame). */
  fromDown?: FrameDecoder;
  fromUp?: FrameDecoder;
}

interface Proc {
  readonly name: string;
  child?: ChildProcess;
  up: boolean;
  crashed: boolean;
  /** Delivered message and input ids, in order: the causal past that its actions depend on. */
  readonly past: number[];
  /** Wrote a message or an output since the current phase began. */
  acted: boolean;
  /** Resolved when the process (this incarnation) is ready to accept connections. */
  ready: Promise<void>;
  markReady: () => void;
  stdoutTail: string;
  readonly log: string[];
  outputCount: number;
  /** Delivered message and input ids by the trace id they carried (with `traceId`). */
  readonly byTrace: Map<string, number[]>;
}

interface Held {
  readonly record: MessageEntry;
  readonly pair: Pair;
  /** Toward the connecting side of the link (a reply) or the accepting side. */
  readonly towardConnector: boolean;
  readonly frame: Buffer;
  readonly seq: number;
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
  const run = new SystemRun(system, baseDir, eot, faults, signal);
  try {
    await run.execute();
    // As the run ended, before ldfi stops the processes.
    return run.execution();
  } finally {
    await run.stop();
  }
}

class SystemRun {
  private readonly audit = new AuditLog(true);
  private readonly spike: Spike;
  private readonly events: { e: TraceEvent; sort: [number, number, string, number, number] }[] = [];
  private readonly sent: SentMessage[] = [];
  private readonly held: Held[] = [];
  private readonly outputs: OutputEntry[] = [];
  private readonly inputs: InputRef[] = [];
  private readonly invocations: Invocation[] = [];
  private readonly procs = new Map<string, Proc>();
  private readonly servers: net.Server[] = [];
  private readonly pairs = new Map<string, Pair[]>();
  private readonly blocked = new Set<string>();
  private readonly seqs = new Map<string, number>();
  private readonly ports = new Map<string, number>();
  private readonly proxyPorts = new Map<string, number>();
  private readonly outputPorts = new Map<string, number>();
  private readonly dataDirs = new Map<string, string>();
  private readonly settleMs: number;
  private readonly roundTimeoutMs: number;
  private readonly readyTimeoutMs: number;
  private readonly prefix: string;
  private readonly traceId?: RegExp;
  /** Loopback only (checked when the system is loaded, and here again). */
  private readonly host: string;
  private round = 0;
  private nextId = 1;
  private lastActivity = Date.now();
  private endTime = 0;
  private stoppedAtTimeBound = false;
  private error: string | undefined;
  private interrupted = false;
  private stopping = false;
  private roundStarted = Date.now();
  /** The last round whose timeout was recorded. */
  private timedOut = -1;
  private readonly unknown: string[] = [];
  private readonly notes: string[] = [];
  private readonly connected = new Map<number, Set<string>>();
  private readonly decoders = new Set<FrameDecoder>();

  constructor(
    private readonly system: SystemSpec,
    private readonly baseDir: string,
    private readonly eot: number,
    faults: FaultSet,
    private readonly signal?: AbortSignal,
  ) {
    this.spike = new Spike(faults, this.audit);
    this.settleMs = system.settleMs ?? TCP_TIMING.settleMs;
    this.roundTimeoutMs = system.roundTimeoutMs ?? TCP_TIMING.roundTimeoutMs;
    this.readyTimeoutMs = system.readyTimeoutMs ?? TCP_TIMING.readyTimeoutMs;
    this.prefix = system.outputPrefix ?? 'OUT ';
    this.traceId = traceIdPattern(system.traceId);
    this.host = system.bind ?? '127.0.0.1';
    if (!LOOPBACK.includes(this.host)) throw new UserError('BAD_PROGRAM', `bind: ${this.host} is refused; Spike binds to loopback only (${LOOPBACK.join(' or ')})`);
    for (const name of Object.keys(system.nodes)) {
      const p = { name, up: false, crashed: false, past: [], acted: false, stdoutTail: '', log: [], outputCount: 0, byTrace: new Map() } as unknown as Proc;
      this.resetReady(p);
      this.procs.set(name, p);
    }
  }

  async execute(): Promise<void> {
    for (const name of this.procs.keys()) {
      this.ports.set(name, await freePort(this.host));
      const dir = mkdtempSync(join(tmpdir(), `ldfi-tcp-${name}-`));
      trackDir(dir);
      this.dataDirs.set(name, dir);
    }
    for (const [from, to] of this.system.links) await this.listen(from, to);
    for (const p of this.procs.values()) await this.listenForOutputs(p);
    for (const w of this.system.workload) {
      const ref: InputRef = { kind: 'input', id: this.nextId++, node: w.node, at: w.at, value: w.value };
      this.inputs.push(ref);
    }
    this.roundStarted = Date.now();
    await Promise.all([...this.procs.values()].map((p) => this.start(p)));
    this.roundStarted = Date.now();
    await this.quiet();
    const nodeEvents = this.spike.nodeEvents();
    const linkEvents = this.spike.linkEvents();
    // Iterated, not spread: the workload is the user's and may be long.
    let lastEvent = 0;
    for (const t of [nodeEvents.map((e) => e.time), linkEvents.map((e) => e.time), this.inputs.map((i) => i.at)].flat()) lastEvent = Math.max(lastEvent, t);
    for (let t = 1; t <= this.eot; t++) {
      if (this.signal?.aborted) {
        this.interrupted = true;
        return;
      }
      this.round = t;
      this.roundStarted = Date.now();
      this.connected.set(t, new Set([...this.pairs].filter(([, list]) => list.length > 0).map(([key]) => key)));
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
      if (!p.up) continue;
      const entry = { lines: [] as string[], ids: [] as number[] };
      if (this.system.ticks) entry.lines.push(`tick ${t}`);
      for (const i of this.inputs.filter((x) => x.at === t && x.node === p.name)) {
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
          p.past.push(id);
          const input = this.inputs.find((i) => i.id === id)!;
          this.remember(p, typeof input.value === 'string' ? input.value : JSON.stringify(input.value), id);
        }
        p.child?.stdin?.write(lines.join('\n') + '\n');
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
      const receivers: string[] = [];
      for (const [to, list] of [...byReceiver].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const h = list[k];
        if (!h) continue;
        if (this.deliver(h)) receivers.push(to);
      }
      await this.quiet();
      this.endPhase(t, receivers);
    }
    return busy;
  }

  private deliver(h: Held): boolean {
    const m = h.record;
    const receiver = this.procs.get(m.ref.to)!;
    if (!receiver.up) {
      m.status = 'receiver-down';
      this.record({ t: this.round, e: 'lost', id: m.ref.id, to: m.ref.to }, 2);
      return false;
    }
    const socket = h.towardConnector ? h.pair.down : h.pair.up;
    const gone = h.towardConnector ? h.pair.downGone : h.pair.upGone;
    if (gone || !socket || socket.destroyed) {
      m.status = 'dropped';
      m.reason = 'a closed connection';
      this.record({ t: this.round, e: 'drop', id: m.ref.id, by: m.reason }, 2);
      this.settle(h.pair);
      return false;
    }
    m.status = 'delivered';
    receiver.past.push(m.ref.id);
    this.remember(receiver, String(m.ref.payload), m.ref.id);
    socket.write(h.frame);
    // What a process sent before it went is delivered, as TCP would; then the connection ends.
    this.settle(h.pair);
    this.record({ t: this.round, e: 'deliver', id: m.ref.id, to: m.ref.to }, 2);
    return true;
  }

  /** What an action with this text depends on: what carried its trace id, or the causal past. */
  private depsOf(p: Proc, text: string): Deps {
    const id = this.traceId?.exec(text)?.[1];
    const same = id === undefined ? undefined : p.byTrace.get(id);
    return same?.length ? { explicit: [...same] } : { past: p.past, upto: p.past.length };
  }

  private remember(p: Proc, text: string, id: number): void {
    const trace = this.traceId?.exec(text)?.[1];
    if (trace === undefined) return;
    (p.byTrace.get(trace) ?? p.byTrace.set(trace, []).get(trace)!).push(id);
  }

  private beginPhase(): void {
    for (const p of this.procs.values()) p.acted = false;
    this.lastActivity = Date.now();
  }

  private endPhase(t: number, nodes: readonly string[]): void {
    for (const n of nodes) this.invocations.push({ node: n, at: t, acted: this.procs.get(n)!.acted });
  }

  /**
   * Waits until no process has written anything for settleMs. A round that has taken more than its
   * timeout (a process that keeps writing) waits no more: its remaining phases follow at once, and
   * the run is marked as one that may not replay identically.
   */
  /** Every port of this run: the processes', Spike's proxy listeners and output channels. */
  private ownPorts(): Set<number> {
    return new Set([...this.ports.values(), ...this.proxyPorts.values(), ...this.outputPorts.values()]);
  }

  private async quiet(): Promise<void> {
    for (;;) {
      const idle = Date.now() - this.lastActivity;
      // A process in the middle of writing a message (part of a frame arrived) is not quiet.
      const midFrame = [...this.decoders].some((d) => d.pending > 0);
      // A process the kernel shows running or waiting for a core is not quiet either, however long
      // it has been silent: on a loaded machine, silence can be a process that has not run yet.
      // Nor is a run with bytes still in a socket's queue: sent, and not yet read by its process (or by Spike).
      if (idle >= this.settleMs && !midFrame && !anyRunnable([...this.procs.values()].filter((p) => p.up).map((p) => p.child?.pid)) && !bytesWaiting(this.ownPorts())) return;
      if (Date.now() - this.roundStarted > this.roundTimeoutMs) {
        if (this.timedOut !== this.round) {
          this.timedOut = this.round;
          const what = `round ${this.round} ended by its ${this.roundTimeoutMs.toLocaleString('en-US')} ms timeout, not by quiet (a process kept writing): what it wrote next may fall in another round, so this run may not replay identically`;
          this.audit.add(this.round, 'settle', 'spike', what);
          this.unknown.push(what);
        }
        return;
      }
      await sleep(midFrame ? this.settleMs : this.settleMs - idle);
    }
  }

  /** A sink port per process (`LDFI_OUTPUT`): each line written to a connection to it is an output. */
  private async listenForOutputs(p: Proc): Promise<void> {
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
    this.servers.push(server);
    await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, this.host, () => ok()));
    this.outputPorts.set(p.name, (server.address() as net.AddressInfo).port);
  }

  private resetReady(p: Proc): void {
    p.ready = new Promise<void>((ok) => (p.markReady = ok));
  }

  private async listen(from: string, to: string): Promise<void> {
    const key = `${from}|${to}`;
    const server = net.createServer((down) => this.accept(from, to, down));
    this.servers.push(server);
    this.pairs.set(key, []);
    // Loopback only: Spike is never reachable from outside this machine.
    await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, this.host, () => ok()));
    this.proxyPorts.set(key, (server.address() as net.AddressInfo).port);
  }

  private accept(from: string, to: string, down: net.Socket): void {
    const key = `${from}|${to}`;
    const receiver = this.procs.get(to)!;
    if (this.blocked.has(key) || receiver.crashed) {
      down.destroy();
      return;
    }
    const pair: Pair = { key, down, downGone: false, upGone: false };
    this.pairs.get(key)!.push(pair);
    this.connected.get(this.round)?.add(key);
    down.setNoDelay(true);
    down.on('error', () => this.sideClosed(pair, 'down'));
    down.on('close', () => this.sideClosed(pair, 'down'));
    // What the connecting side writes is captured at once; the accepting side is connected to once it
    // is ready (processes start together, and a connection may come before its peer listens).
    const fromDecoder = new FrameDecoder(framingOf(this.system, from, to));
    this.decoders.add(fromDecoder);
    pair.fromDown = fromDecoder;
    down.on('data', (chunk) => this.capture(from, to, fromDecoder, chunk, pair, false));
    void receiver.ready.then(() => {
      if (pair.upGone || (pair.downGone && !this.pendingToward(pair, false))) return;
      const up = net.connect(this.ports.get(to)!, this.host);
      pair.up = up;
      up.setNoDelay(true);
      up.on('error', () => this.sideClosed(pair, 'up'));
      up.on('close', () => this.sideClosed(pair, 'up'));
      const toDecoder = new FrameDecoder(framingOf(this.system, to, from));
      this.decoders.add(toDecoder);
      pair.fromUp = toDecoder;
      up.on('data', (chunk) => this.capture(to, from, toDecoder, chunk, pair, true));
    });
  }

  /** Held messages not yet delivered on this pair toward the connecting side (or the other). */
  private pendingToward(pair: Pair, towardConnector: boolean): boolean {
    return this.held.some((h) => h.pair === pair && h.towardConnector === towardConnector && h.record.status === 'pending');
  }

  /** One side closed: the other stays open until what was sent toward it before is delivered. */
  private sideClosed(pair: Pair, side: 'down' | 'up'): void {
    if (side === 'down') {
      if (pair.downGone) return;
      pair.downGone = true;
      pair.down.destroy();
      if (pair.fromDown) this.decoders.delete(pair.fromDown);
    } else {
      if (pair.upGone) return;
      pair.upGone = true;
      pair.up?.destroy();
      if (pair.fromUp) this.decoders.delete(pair.fromUp);
    }
    this.settle(pair);
  }

  /** Ends a half-closed pair once nothing is left to deliver on its open side. */
  private settle(pair: Pair): void {
    if (!pair.downGone && !pair.upGone) return;
    if (!pair.downGone && this.pendingToward(pair, true)) return;
    if (!pair.upGone && this.pendingToward(pair, false)) return;
    this.close(pair);
  }

  /** Closes both sides (gracefully: what was written is sent) and forgets the pair. */
  private close(pair: Pair): void {
    for (const d of [pair.fromDown, pair.fromUp]) if (d) this.decoders.delete(d);
    if (!pair.downGone) pair.down.end();
    if (!pair.upGone) pair.up?.end();
    pair.downGone = true;
    pair.upGone = true;
    const list = this.pairs.get(pair.key)!;
    const i = list.indexOf(pair);
    if (i >= 0) list.splice(i, 1);
  }

  private capture(from: string, to: string, decoder: FrameDecoder, chunk: Buffer, pair: Pair, towardConnector: boolean): void {
    this.lastActivity = Date.now();
    let frames: Buffer[];
    try {
      frames = decoder.push(chunk);
    } catch (e) {
      this.error ??= `${from}→${to}: ${(e as Error).message}`;
      return;
    }
    const sender = this.procs.get(from)!;
    for (const frame of frames) {
      sender.acted = true;
      const id = this.nextId++;
      const channel = `${from}→${to}`;
      const seq = (this.seqs.get(channel) ?? 0) + 1;
      this.seqs.set(channel, seq);
      const text = framePayload(frame, framingOf(this.system, from, to)).toString('utf8');
      const record: MessageEntry = {
        ref: { kind: 'message', id, from, to, sentAt: this.round, payload: text },
        deps: this.depsOf(sender, text),
        deliverAt: this.round + 1,
        status: 'pending',
      };
      this.sent.push({ record, seq, frame });
      this.record({ t: this.round, e: 'send', id, from, to, payload: text, at: this.round }, 3, `${from}|${to}`, seq);
      const fate = this.spike.messageFate(from, to, this.round, `#${id}`);
      if (fate.kind === 'drop') {
        record.status = 'dropped';
        record.reason = fate.reason;
        this.record({ t: this.round, e: 'drop', id, by: fate.reason }, 3, `${from}|${to}`, seq + 0.5);
        continue;
      }
      record.deliverAt = this.round + 1 + fate.extraDelay;
      this.held.push({ record, pair, towardConnector, frame, seq });
    }
  }

  private async start(p: Proc): Promise<void> {
    const spec = this.system.nodes[p.name];
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...spec.env, LDFI_NODE: p.name, LDFI_HOST: this.host, LDFI_PORT: String(this.ports.get(p.name)), LDFI_DATA: this.dataDirs.get(p.name)! };
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    for (const [from, to] of this.system.links) if (from === p.name) env[`LDFI_PEER_${envName(to)}`] = `${host}:${this.proxyPorts.get(`${from}|${to}`)}`;
    env.LDFI_OUTPUT = `${host}:${this.outputPorts.get(p.name)}`;
    if (p.child) this.resetReady(p);
    const child = spawn(spec.command, [...(spec.args ?? [])], { cwd: resolve(this.baseDir, spec.cwd ?? '.'), env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    p.child = child;
    p.stdoutTail = '';
    track(child);
    child.stdin?.on('error', () => undefined);
    const started = new Promise<void>((ok, fail) => {
      child.once('spawn', () => ok());
      child.once('error', (e) => {
        const cwd = resolve(this.baseDir, spec.cwd ?? '.');
        // spawn says ENOENT for a missing working folder as for a missing command: tell them apart.
        const why = !existsSync(cwd) ? `its folder ${cwd} does not exist (cwd)` : ((e as NodeJS.ErrnoException).code === 'ENOENT' ? `no such command (ENOENT, looked up in PATH${env.PATH === undefined ? ', which its env leaves unset' : ''})` : ((e as NodeJS.ErrnoException).code ?? e.message));
        fail(new UserError('BAD_PROGRAM', `node ${p.name}: cannot start '${spec.command}': ${why}`));
      });
    });
    let readyLine = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      this.lastActivity = Date.now();
      const text = p.stdoutTail + chunk.toString('utf8');
      const lines = text.split('\n');
      p.stdoutTail = lines.pop()!;
      for (const line of lines) {
        if (spec.readyLine && line.includes(spec.readyLine)) readyLine = true;
        if (line.startsWith(this.prefix)) this.output(p, line.slice(this.prefix.length));
        else p.log.push(line);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line) p.log.push(`stderr: ${line}`);
    });
    child.once('exit', (code, sig) => {
      untrack(child);
      if (p.child !== child || this.stopping) return;
      if (p.up && !p.crashed) {
        this.audit.add(this.round, 'process', p.name, `exited on its own (${sig ?? `code ${code}`})`);
        this.notes.push(`${p.name} exited on its own (${sig ?? `code ${code}`}) in round ${this.round}`);
        this.record({ t: this.round, e: 'down', node: p.name }, 5, p.name);
      }
      p.up = false;
    });
    await started;
    p.up = true;
    const deadline = Date.now() + this.readyTimeoutMs;
    for (;;) {
      if (!p.up) throw new UserError('BAD_PROGRAM', `node ${p.name}: '${spec.command}' exited before it was ready; its output: ${p.log.slice(-3).join(' | ') || '(none)'}`);
      if (spec.readyLine ? readyLine : await accepts(this.ports.get(p.name)!, this.host)) {
        p.markReady();
        return;
      }
      if (Date.now() > deadline) {
        throw new UserError(
          'BAD_PROGRAM',
          `node ${p.name} was not ready within ${this.readyTimeoutMs} ms (${spec.readyLine ? `no stdout line containing '${spec.readyLine}'` : `nothing accepted connections on LDFI_PORT ${this.ports.get(p.name)}: a process that does not listen there needs readyLine, a line it prints when ready`})`,
        );
      }
      await sleep(5);
    }
  }

  private output(p: Proc, text: string): void {
    p.acted = true;
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // Not JSON: the text itself.
    }
    this.outputs.push({ node: p.name, at: this.round, value, deps: this.depsOf(p, text) });
    this.record({ t: this.round, e: 'output', node: p.name, value }, 4, p.name, ++p.outputCount);
  }

  private async nodeEvent(ev: NodeEvent): Promise<void> {
    const p = this.procs.get(ev.node)!;
    this.audit.add(this.round, 'fault', 'spike', `${ev.kind} ${ev.node}`, ev.fault);
    this.record({ t: this.round, e: ev.kind, node: ev.node }, 0);
    if (ev.kind === 'crash' || ev.kind === 'down') {
      if (ev.kind === 'crash') p.crashed = true;
      p.up = false;
      await this.kill(p);
    } else if (!p.crashed) {
      await this.start(p);
      await this.quiet();
    }
  }

  private linkEvent(ev: LinkEvent): void {
    this.audit.add(this.round, 'fault', 'spike', `${ev.kind} ${ev.from}→${ev.to}`, ev.fault);
    this.record({ t: this.round, e: ev.kind, from: ev.from, to: ev.to }, 0);
    for (const key of [`${ev.from}|${ev.to}`, `${ev.to}|${ev.from}`]) {
      if (!this.pairs.has(key)) continue;
      if (ev.kind === 'disconnect') {
        this.blocked.add(key);
        // A real reset: both processes see their connection drop and may reconnect after the window.
        for (const pair of [...this.pairs.get(key)!]) {
          pair.down.resetAndDestroy();
          pair.up?.resetAndDestroy();
          pair.downGone = true;
          pair.upGone = true;
          this.close(pair);
        }
      } else this.blocked.delete(key);
    }
  }

  private async kill(p: Proc): Promise<void> {
    const child = p.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
  }

  /** Stops every process, connection and server, and removes the data directories. */
  /** The run as ldfi reports it: in canonical order (canonical.ts). */
  execution(): TcpExecution {
    return canonicalExecution({
      events: this.events,
      invocations: this.invocations,
      audit: this.audit,
      sent: this.sent,
      inputs: this.inputs,
      outputs: this.outputs,
      procs: [...this.procs.values()],
      stoppedAtTimeBound: this.stoppedAtTimeBound,
      endTime: this.endTime,
      error: this.error,
      interrupted: this.interrupted,
      unknown: this.unknown,
      notes: this.notes,
      connected: this.connected,
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.procs.values()].map((p) => this.kill(p)));
    for (const list of this.pairs.values()) for (const pair of [...list]) (pair.down.destroy(), pair.up?.destroy());
    await Promise.all(this.servers.map((s) => new Promise<void>((ok) => s.close(() => ok()))));
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

function framingOf(system: SystemSpec, from: string, to: string): Framing {
  const f = system.framing;
  if (!f || typeof f === 'string') return f ?? 'lines';
  return f[`${from}->${to}`] ?? f[`${to}->${from}`] ?? 'lines';
}

function envName(node: string): string {
  return node.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, Math.max(1, ms)));
}

