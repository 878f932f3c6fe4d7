import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';
import { Spike, type LinkEvent, type NodeEvent } from '../../injector/spike.ts';
import { expandDeps, type CodeExecution, type MessageEntry, type TraceEvent, type Trigger } from '../code/execution.ts';
import { inputIdsOf } from '../code/view.ts';
import { CausalPast, ExecutionRecorder } from '../code/recorder.ts';
import type { WatchedEnd } from '../code/watchdog.ts';
import type { Cause, InputRef, NodeContext, NodeHandlers, Payload, Protocol } from './api.ts';
import { EventQueue } from './queue.ts';
import { NodeStore, type CellLog } from './state.ts';
import { isNodeFailure, type FaultSet } from '../../model/faults.ts';

/** One run to simulate: its time bound (virtual ms), seed and fault schedule. */
export interface SimOptions {
  eot: number;
  seed: string;
  faults: FaultSet;
  /** Record the trace events (the search does not need them; replays and hashes do). */
  trace: boolean;
  /**
   * Nodes whose state is all tracked (`ctx.state`): their actions depend on their trigger and on what
   * they read. Others depend on all they saw (conservative). Default: none.
   */
  precise?: ReadonlySet<string>;
  /**
   * Record the run's state after each virtual ms with events, from this time on (`CodeExecution.states`):
   * for comparing runs. Only when every node is precise (its whole state is tracked).
   */
  stateHashFrom?: number;
  /** The state without output times and the run's end time (for invariants that read no time). */
  untimed?: boolean;
}

/** What the event queue holds: everything that happens at a virtual time. */
type SimEvent =
  | { kind: 'init'; node: string }
  | { kind: 'input'; ref: InputRef }
  | { kind: 'deliver'; msg: MessageEntry }
  | { kind: 'timer'; node: string; epoch: number; name: string; setBy: number; causes: readonly number[] }
  | { kind: 'node'; ev: NodeEvent }
  | { kind: 'link'; ev: LinkEvent };

/** One node of the world, in its current incarnation. */
interface SimNode {
  readonly id: string;
  /** What the protocol's `node(id)` returned for this incarnation. */
  handlers: NodeHandlers;
  ctx: NodeContext;
  /** Runs handlers: not crashed, and not inside a restart window. */
  up: boolean;
  /** Crashed for good (crash-stop). */
  crashed: boolean;
  /** The incarnation: a restart begins a new one, and timers of an old one never fire. */
  readonly epoch: number;
  /** What it has seen: its actions depend on it unless they name their causes. */
  readonly past: CausalPast;
  /** What `persist` kept across restarts, with the past it was kept in (for a conservative node's lineage). */
  readonly persisted: Map<string, { json: string; deps: number[] }>;
  /** Its tracked state in this incarnation (durable collections carried from the last). */
  store: NodeStore;
  /** Its state is all tracked: actions depend on the handler call's trigger and reads. */
  readonly precise: boolean;
  /** Its own seeded random numbers, per incarnation. */
  readonly rng: () => number;
  /** The call that drew its last random number (a draw depends on the draws before it). */
  lastDraw: number;
  /** Random numbers drawn in this incarnation (with the seed and the epoch, the generator's state). */
  draws: number;
}

class ProtocolError extends Error {}

/**
 * The simulated world of one run, as turmoil keeps its `World`: the nodes, the event queue in virtual
 * time, Spike (the faults), and the recorder of what happens. `begin` builds the nodes and queues
 * faults, inits and inputs; `drain` runs events until the time bound, quiescence or an error; `finish`
 * gives the execution however it ended (a watchdog stop becomes an error or `interrupted`). Everything
 * that could vary — latency, randomness, clock reads — comes from the seed and is audited.
 */
export class World {
  /** What happened, recorded as it happens (shared with tcp runs). */
  private readonly rec = new ExecutionRecorder();
  /** Spike: the fate of each message, and the node and link events of the schedule. */
  private readonly spike: Spike;
  /** Trace events (only when asked: the search does not need them; replays and hashes do). */
  private readonly events: TraceEvent[] = [];
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes = new Map<string, SimNode>();
  private readonly nodeSet: ReadonlySet<string>;
  private readonly nodeIndex: ReadonlyMap<string, number>;
  /** Per (send time, channel): how many messages it has carried, so that a latency depends on the message alone. */
  private readonly channelRank = new Map<number, number>();
  private readonly seedHash: number;
  private readonly latency: readonly [number, number];
  /** Virtual ms now. */
  private now = 1;
  private error: string | undefined;
  private eventCount = 0;
  /** Sends, outputs and timers so far: a handler call that adds none is silent. */
  private effects = 0;
  /** Reads and writes of tracked state, recorded against the handler call running now. */
  private readonly cells: CellLog;
  /** The handler call running now (0 outside one). */
  private invocation = 0;
  /** The handler running now: if the watchdog stops the run, this is the one that did not return. */
  private running: { node: string; what: string; at: number } | undefined;
  /** The view's end time: the last event of the protocol, not a crash (whose time within a quiet stretch changes nothing else). */
  private lastEventTime = 1;
  private stoppedAtTimeBound = false;
  /** The state after each virtual ms with events, from `stateHashFrom` on. */
  private readonly stateHashes: { t: number; h: string }[] = [];
  /** Per cause: the inputs it depends on (for outputs in the state hash). */
  private readonly inputMemo = new Map<number, ReadonlySet<number>>();
  /** Nodes a restart window took down, in the order it happened. */
  private readonly restarted = new Set<string>();
  /** Connection events already told to a node (a link down both ways is one dropped connection). */
  private readonly notified = new Set<string>();
  /** Nodes whose handlers hear of dropped connections (in some incarnation). */
  private readonly hears = new Set<string>();

  constructor(
    private readonly protocol: Protocol,
    private readonly opts: SimOptions,
    /** Real ms the run may compute (named when the watchdog stops it). */
    private readonly budgetMs: number,
  ) {
    this.spike = new Spike(opts.faults, this.rec.audit);
    this.nodeSet = new Set(protocol.nodes);
    this.nodeIndex = new Map(protocol.nodes.map((n, i) => [n, i]));
    this.seedHash = hashString(opts.seed);
    this.latency = protocol.latency ?? [1, 3];
    this.cells = { read: (cell, writer) => this.rec.read(cell, writer), write: (cell, changed) => this.rec.write(cell, changed) };
  }

  /** Builds the nodes and queues the faults, inits and inputs. */
  begin(): void {
    // Faults first: at equal times the queue keeps insertion order, and a node that crashes at t must
    // not run (or send) anything at t.
    for (const ev of this.spike.nodeEvents()) this.queue.push(ev.time, { kind: 'node', ev });
    for (const id of this.protocol.nodes) {
      this.start(id, 0, new Map(), new NodeStore(this.cells, id));
      this.queue.push(1, { kind: 'init', node: id });
    }
    // After the inits (a connection is lost once there is one), before everything else of their ms.
    for (const ev of this.spike.linkEvents()) this.queue.push(ev.time, { kind: 'link', ev });
    for (const w of this.protocol.workload) {
      const ref = this.rec.input(w.node, w.at, freeze(w.value));
      this.queue.push(w.at, { kind: 'input', ref });
    }
  }

  /** Runs events until the time bound, quiescence or an error. */
  drain(): void {
    while (this.queue.size > 0 && !this.error) {
      if (this.queue.peekTime() > this.opts.eot) {
        this.stoppedAtTimeBound = true;
        break;
      }
      const { time, item } = this.queue.pop();
      this.now = time;
      this.eventCount++;
      // A crash is not an event of the protocol, nor a cut link no handler hears (linkEvent).
      if (item.kind !== 'node' && item.kind !== 'link') this.lastEventTime = time;
      else if (item.kind === 'node' && item.ev.kind === 'up') this.lastEventTime = time;
      this.handle(item);
      const from = this.opts.stateHashFrom;
      if (from !== undefined && time >= from && !this.error && (this.queue.size === 0 || this.queue.peekTime() > time)) this.stateHashes.push({ t: time, h: this.stateHash() });
    }
  }

  /**
   * Everything the rest of the run and what invariants see can depend on, after the events of this
   * virtual ms: each node's status, tracked state and random generator, what is due (messages by
   * content, live timers, fault events) in the order it will be handled, and the outputs so far.
   * Two runs in the same state at the same time go on the same way under the same later faults.
   */
  private stateHash(): string {
    // The failures the schedule used: what is left of the budget decides which faults may come later.
    const failures = this.opts.faults.filter(isNodeFailure).length;
    // Not the time itself: the state holds until the next event, so a run that reaches it at any
    // time of that stretch goes on alike (what is due is kept at its absolute time).
    const parts: string[] = [`F${failures}R${[...this.restarted].join(',')}`];
    // Provenance as invariants can see it: the workload inputs a value, a message or a timer came from.
    const inputsOf = (causes: readonly number[]) => [...inputIdsOf(this.rec.causes, this.inputMemo, causes)].sort((a, b) => a - b).join(',');
    const written = (writer: number) => (writer > 0 ? inputsOf(this.rec.causesOf(writer)) : '');
    for (const id of this.protocol.nodes) {
      const n = this.nodes.get(id)!;
      parts.push(`${id}:${n.up ? 1 : 0}${n.crashed ? 1 : 0}:${n.epoch}:${n.draws}:${n.store.canonical(written)}`);
    }
    for (const { time, item } of this.queue.ordered()) {
      switch (item.kind) {
        case 'init':
          parts.push(`${time}i${item.node}`);
          break;
        case 'input':
          parts.push(`${time}in${item.ref.id}`);
          break;
        case 'deliver':
          parts.push(`${time}d${item.msg.ref.from}>${item.msg.ref.to}@${item.msg.ref.sentAt}:${JSON.stringify(item.msg.ref.payload)}<${inputsOf(expandDeps(item.msg.deps))}`);
          break;
        case 'timer': {
          const n = this.nodes.get(item.node)!;
          // A timer of an earlier incarnation never fires, but it is still due: it counts for the
          // run's end time and for whether events were due after EOT.
          if (n.epoch === item.epoch && !n.crashed) parts.push(`${time}t${item.node}:${item.name}<${inputsOf(item.causes)}`);
          else parts.push(`${time}x`);
          break;
        }
        case 'node':
          parts.push(`${time}n${item.ev.kind}${item.ev.node}`);
          break;
        case 'link':
          parts.push(`${time}l${item.ev.kind}${item.ev.from}>${item.ev.to}`);
          break;
      }
    }
    // With nothing left to happen, the run's end time is the last event's.
    const timed = !this.opts.untimed;
    if (this.queue.size === 0 && timed) parts.push(`end${this.lastEventTime}`);
    for (const o of this.rec.outputs) {
      const inputs = inputIdsOf(this.rec.causes, this.inputMemo, expandDeps(o.deps));
      parts.push(`o${o.node}${timed ? `@${o.at}` : ''}:${JSON.stringify(o.value)}<${[...inputs].sort((a, b) => a - b).join(',')}`);
    }
    return createHash('sha1').update(parts.join('\u0002')).digest('base64');
  }

  /** The execution, however the run ended. */
  finish(end: WatchedEnd): CodeExecution {
    let interrupted = false;
    if (end === 'interrupted') interrupted = true;
    else if (end === 'timeout') {
      const running = this.running;
      const message = running
        ? `did not return from ${running.what} within ${this.budgetMs.toLocaleString('en-US')} ms (a loop that never ends?)`
        : `the run computed for over ${this.budgetMs.toLocaleString('en-US')} ms without reaching the time bound`;
      this.error = running ? `node ${running.node} ${message} at t=${running.at}` : message;
      this.record({ t: this.now, e: 'error', node: running?.node ?? '', message });
    }
    const all = [...this.nodes.values()];
    return this.rec.execution({
      events: this.events,
      eventCount: this.eventCount,
      crashed: all.filter((n) => n.crashed).map((n) => n.id),
      restarted: [...this.restarted],
      down: all.filter((n) => !n.up).map((n) => n.id),
      stoppedAtTimeBound: this.stoppedAtTimeBound,
      endTime: this.lastEventTime,
      error: this.error,
      interrupted,
      ...(this.opts.stateHashFrom !== undefined ? { stateHashes: this.stateHashes } : {}),
      ...(this.hears.size ? { hearsConnections: [...this.hears] } : {}),
    });
  }

  private record(e: TraceEvent): void {
    if (this.opts.trace) this.events.push(e);
  }

  private handle(item: SimEvent): void {
    switch (item.kind) {
      case 'init': {
        const n = this.nodes.get(item.node)!;
        if (!n.up) return;
        this.record({ t: this.now, e: 'init', node: n.id });
        this.call(n, 'init', undefined, () => n.handlers.init?.(n.ctx));
        return;
      }
      case 'input': {
        const n = this.nodes.get(item.ref.node);
        if (!n) {
          this.error = `the workload gives input to '${item.ref.node}', which is not a node`;
          return;
        }
        if (!n.up) {
          this.rec.refused.push(item.ref.id);
          return;
        }
        this.record({ t: this.now, e: 'input', node: n.id, id: item.ref.id, value: item.ref.value });
        n.past.ids.push(item.ref.id);
        this.call(n, 'onInput', { cause: item.ref.id }, () => n.handlers.onInput?.(n.ctx, item.ref.value, item.ref));
        return;
      }
      case 'deliver': {
        const msg = item.msg;
        const n = this.nodes.get(msg.ref.to)!;
        if (!n.up) {
          this.rec.lostAtReceiver(msg);
          this.record({ t: this.now, e: 'lost', id: msg.ref.id, to: n.id });
          return;
        }
        this.rec.delivered(msg, n.past);
        this.record({ t: this.now, e: 'deliver', id: msg.ref.id, to: n.id });
        this.call(n, 'onMessage', { cause: msg.ref.id }, () => n.handlers.onMessage?.(n.ctx, msg.ref.from, msg.ref.payload, msg.ref));
        return;
      }
      case 'timer': {
        const n = this.nodes.get(item.node)!;
        if (!n.up || n.epoch !== item.epoch) return;
        this.record({ t: this.now, e: 'timer', node: n.id, name: item.name });
        this.call(n, 'onTimer', { timerOf: item.setBy }, () => n.handlers.onTimer?.(n.ctx, item.name), item.causes);
        return;
      }
      case 'node':
        return this.nodeEvent(item.ev);
      case 'link':
        return this.linkEvent(item.ev);
    }
  }

  private nodeEvent(ev: NodeEvent): void {
    const n = this.nodes.get(ev.node)!;
    this.rec.audit.add(this.now, 'fault', 'spike', `${ev.kind} ${ev.node}`, ev.fault);
    this.record({ t: this.now, e: ev.kind, node: ev.node });
    if (ev.kind === 'crash') {
      n.up = false;
      n.crashed = true;
    } else if (ev.kind === 'down') {
      n.up = false;
      this.restarted.add(n.id);
    }
    else if (!n.crashed) {
      const fresh = this.start(n.id, n.epoch + 1, n.persisted, n.store.carryDurable(this.cells));
      this.call(fresh, 'init', undefined, () => fresh.handlers.init?.(fresh.ctx));
    }
  }

  private linkEvent(ev: LinkEvent): void {
    this.rec.audit.add(this.now, 'fault', 'spike', `${ev.kind} ${ev.from}→${ev.to}`, ev.fault);
    this.record({ t: this.now, e: ev.kind, from: ev.from, to: ev.to });
    for (const [self, peer] of [[ev.from, ev.to], [ev.to, ev.from]]) {
      const n = this.nodes.get(self)!;
      // A link down both ways is one dropped connection: tell each end once.
      const once = `${this.now}|${ev.kind}|${self}|${peer}`;
      if (!n.up || this.notified.has(once)) continue;
      this.notified.add(once);
      const handler = ev.kind === 'disconnect' ? n.handlers.onConnectionLost : n.handlers.onConnectionRestored;
      const [calls, audited] = [this.rec.invocations.length, this.rec.audit.entries.length];
      if (ev.kind === 'disconnect') this.call(n, 'onConnectionLost', { peer }, () => n.handlers.onConnectionLost?.(n.ctx, peer));
      else this.call(n, 'onConnectionRestored', { peer }, () => n.handlers.onConnectionRestored?.(n.ctx, peer));
      // Heard, the cut is an event of the protocol — unless, at a node whose state ldfi sees, the call
      // read, changed and did nothing (nor read the clock): then the cut is exactly the omissions it
      // makes, end time included (the search's inert calls).
      const call = this.rec.invocations.length > calls ? this.rec.invocations[calls] : undefined;
      const timed = this.rec.audit.entries.slice(audited).some((e) => e.kind === 'clock' || e.kind === 'random');
      if (handler && (!call || !call.precise || call.acted || call.reads.length > 0 || call.writes.length > 0 || timed)) this.lastEventTime = this.now;
    }
  }

  /** A new incarnation of a node: the protocol's `node(id, state)`, with the state it persisted. */
  private start(id: string, epoch: number, persisted: SimNode['persisted'], store: NodeStore): SimNode {
    const precise = this.opts.precise?.has(id) ?? false;
    const n = { id, up: true, crashed: false, epoch, past: new CausalPast(), persisted, store, precise, lastDraw: 0, draws: 0, rng: seedrandom(`${this.opts.seed}:node:${id}:${epoch}`) } as unknown as SimNode;
    n.ctx = this.contextOf(n);
    n.handlers = {};
    this.nodes.set(id, n);
    this.call(n, 'node()', undefined, () => {
      n.handlers = this.protocol.node(id, n.store) ?? {};
    });
    if (n.handlers.onConnectionLost || n.handlers.onConnectionRestored) this.hears.add(id);
    return n;
  }

  /** Runs one handler of a node, recording the call; a throw ends the run with the protocol's error. */
  private call(n: SimNode, what: string, trigger: Trigger | undefined, fn: () => void, timerCauses?: readonly number[]): void {
    if (this.error) return;
    this.running = { node: n.id, what, at: this.now };
    const before = this.effects;
    const invoked = what !== 'node()';
    if (invoked) this.invocation = this.rec.begin(n.id, this.now, what, trigger, n.precise, timerCauses);
    try {
      fn();
    } catch (e) {
      const message = e instanceof ProtocolError ? e.message : `${(e as Error)?.message ?? String(e)}`;
      // Tracked values are frozen: say what to do instead of what JavaScript says.
      const hint = /read[- ]only|not extensible|Cannot (assign|add|delete)/.test(message) ? ' (values read from ctx.state are frozen: set a new value instead)' : '';
      this.error = `node ${n.id} threw in ${what} at t=${this.now}: ${message}${hint}`;
      this.record({ t: this.now, e: 'error', node: n.id, message: message + hint });
    }
    this.running = undefined;
    if (invoked) {
      this.rec.end(this.effects !== before);
      this.invocation = 0;
    }
  }

  /** What an action depends on: the causes it names; for a precise node, its call's trigger and reads; else all the node saw. */
  private depsOf(n: SimNode, because?: readonly Cause[]) {
    if (because) return { explicit: because.map((c) => c.id) };
    return n.precise ? this.rec.currentCauses() : n.past.deps();
  }

  /** What a node may do to the world: every effect goes through here, recorded and audited. */
  private contextOf(n: SimNode): NodeContext {
    const [minLatency, maxLatency] = this.latency;
    return {
      id: n.id,
      nodes: this.protocol.nodes,
      now: () => {
        this.rec.audit.add(this.now, 'clock', n.id, 'now', this.now);
        return this.now;
      },
      state: n.store,
      random: () => {
        // A draw depends on the draws before it: the generator is a cell of the node's state.
        if (n.precise) this.rec.read('⟨random⟩', n.lastDraw);
        n.lastDraw = this.rec.write('⟨random⟩', true);
        n.draws++;
        const v = n.rng();
        this.rec.audit.add(this.now, 'random', n.id, 'random', v);
        return v;
      },
      send: (to, payload, options) => {
        if (!this.nodeSet.has(to)) throw new ProtocolError(`${n.id} sent to '${to}', which is not a node (nodes: ${this.protocol.nodes.join(', ')})`);
        this.effects++;
        const msg = this.rec.send(n.id, to, this.now, freeze(payload), this.depsOf(n, options?.because));
        const id = msg.ref.id;
        this.record({ t: this.now, e: 'send', id, from: n.id, to, payload: msg.ref.payload, at: this.now });
        const fate = this.spike.messageFate(n.id, to, this.now, `#${id}`);
        // No HTTP here (no request fails) and no stream (a message cut short is lost): the schedule's
        // validation refuses those kinds for sim, and a reset would be a drop.
        if (fate.kind !== 'deliver') {
          // When it would have arrived at the earliest.
          this.rec.dropped(msg, fate.reason, this.now + minLatency);
          this.record({ t: this.now, e: 'drop', id, by: fate.reason });
          return;
        }
        let latency = minLatency;
        if (to !== n.id && maxLatency > minLatency) {
          latency = minLatency + Math.floor(this.latencyDraw(n.id, to, this.now) * (maxLatency - minLatency + 1));
          this.rec.audit.add(this.now, 'order', 'network', 'latency', latency, id);
        }
        msg.deliverAt = this.now + latency + fate.extraDelay;
        this.queue.push(msg.deliverAt, { kind: 'deliver', msg });
      },
      setTimer: (after, name = 'timer') => {
        if (!Number.isInteger(after) || after < 1) throw new ProtocolError(`${n.id} set a timer after ${after} ms; use a whole number ≥ 1`);
        this.effects++;
        // The timer's call depends on what this call had read when it set it.
        const causes = n.precise ? this.rec.currentCauses().explicit : [];
        this.queue.push(this.now + after, { kind: 'timer', node: n.id, epoch: n.epoch, name, setBy: this.invocation, causes });
      },
      output: (value, options) => {
        this.effects++;
        const out = this.rec.output(n.id, this.now, freeze(value), this.depsOf(n, options?.because));
        this.record({ t: this.now, e: 'output', node: n.id, value: out.value });
      },
      persist: (key, value) => {
        n.store.register(`⟨persist⟩${key}`, { durable: true }).set(value);
        n.persisted.set(key, { json: JSON.stringify(value) ?? 'null', deps: [...n.past.ids] });
      },
      recover: <T>(key: string) => {
        const value = n.store.register(`⟨persist⟩${key}`, { durable: true }).get() as T | undefined;
        const p = n.persisted.get(key);
        if (p && !n.precise) for (const d of p.deps) n.past.ids.push(d);
        return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as T);
      },
    };
  }

  /**
   * A message's latency depends on the seed and on the message (channel, send time, rank on that
   * channel at that time) alone, not on how many draws came before: a fault elsewhere in the run does
   * not reshuffle it, so lineage stays comparable across runs.
   */
  private latencyDraw(from: string, to: string, t: number): number {
    const nodes = this.protocol.nodes.length;
    const channel = this.nodeIndex.get(from)! * nodes + this.nodeIndex.get(to)!;
    const key = t * 65536 + channel;
    const rank = (this.channelRank.get(key) ?? 0) + 1;
    this.channelRank.set(key, rank);
    return mixUnit(this.seedHash, channel, t, rank);
  }
}

/** Payloads are copied through JSON: a node cannot change a message after sending it. */
function freeze(v: Payload): Payload {
  if (v === undefined) return null;
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.parse(JSON.stringify(v));
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A deterministic number in [0, 1) from a few integers (murmur-style mixing). */
function mixUnit(seed: number, a: number, b: number, c: number): number {
  let h = seed ^ Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b) ^ Math.imul(c + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
