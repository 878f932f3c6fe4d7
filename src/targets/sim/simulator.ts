import seedrandom from 'seedrandom';
import { AuditLog } from '../../injector/audit.ts';
import { Spike, type LinkEvent, type NodeEvent } from '../../injector/spike.ts';
import type { FaultSet } from '../../model/faults.ts';
import { DEFAULT_RUN_BUDGET_MS, runWatched, type WatchedEnd } from '../code/watchdog.ts';
import type { CodeExecution, Deps, Invocation, MessageEntry, OutputEntry, RunChecker, TraceEvent } from '../code/execution.ts';
import type { Cause, InputRef, MessageRef, NodeContext, NodeHandlers, Payload, Protocol } from './api.ts';
import { EventQueue } from './queue.ts';

export interface SimOptions {
  eot: number;
  seed: string;
  faults: FaultSet;
  /** Record the trace events (the search does not need them; replays and hashes do). */
  trace: boolean;
}


type SimEvent =
  | { kind: 'init'; node: string }
  | { kind: 'input'; ref: InputRef }
  | { kind: 'deliver'; msg: MessageEntry }
  | { kind: 'timer'; node: string; epoch: number; name: string }
  | { kind: 'node'; ev: NodeEvent }
  | { kind: 'link'; ev: LinkEvent };

interface NodeState {
  id: string;
  handlers: NodeHandlers;
  ctx: NodeContext;
  up: boolean;
  crashed: boolean;
  epoch: number;
  past: number[];
  persisted: Map<string, { json: string; deps: number[] }>;
  rng: () => number;
}

class ProtocolError extends Error {}

/**
 * Discrete-event simulation in virtual time: a run of many simulated seconds takes milliseconds, and
 * every choice (latency, randomness, clock, faults) comes from the seed and the schedule.
 */
export function simulate(protocol: Protocol, opts: SimOptions): CodeExecution {
  return simulateMany(protocol, [opts])[0];
}

/** Real ms a run may take before it counts as slow and is made again alone, interruptible by Ctrl-C (`simulateWatched`). */
export const QUICK_MS = 1000;

/**
 * Several runs under one watchdog: starting a watchdog costs more than a small run (~0.2 ms), so runs
 * are made back to back until `sliceMs` of real time has passed; the caller asks again for the rest.
 * A run that takes longer than `QUICK_MS` (or its budget, if shorter) is stopped and returned as
 * `slow`, not made: the caller makes it again alone with `simulateWatched`, which gives it its whole
 * budget (`Protocol.runBudgetMs`) and lets Ctrl-C stop it. Returns the runs made before it (at least
 * one, unless the first is slow).
 */
export function simulateQuick(protocol: Protocol, list: readonly SimOptions[], sliceMs = 50, checker?: RunChecker): { done: CodeExecution[]; slow?: SimOptions } {
  const budget = protocol.runBudgetMs ?? DEFAULT_RUN_BUDGET_MS;
  const done: CodeExecution[] = [];
  let current: SimOptions | undefined;
  const t0 = performance.now();
  const end = runWatched(() => {
    for (const opts of list) {
      if (done.length > 0 && performance.now() - t0 > sliceMs) return;
      current = opts;
      const run = prepare(protocol, opts, budget);
      run.begin();
      run.drain();
      done.push(checked(run.finish('done'), checker));
      current = undefined;
    }
  }, Math.min(budget, QUICK_MS) + sliceMs);
  return end !== 'done' && current ? { done, slow: current } : { done };
}

/** One run under its whole budget, which Ctrl-C can stop (a run `simulateQuick` found slow). */
export function simulateWatched(protocol: Protocol, opts: SimOptions, checker?: RunChecker): CodeExecution {
  const budget = protocol.runBudgetMs ?? DEFAULT_RUN_BUDGET_MS;
  const run = prepare(protocol, opts, budget);
  let ran: CodeExecution | undefined;
  let result: CodeExecution | undefined;
  const end = runWatched(() => {
    run.begin();
    run.drain();
    ran = run.finish('done');
    result = checked(ran, checker);
  }, budget, true);
  if (end === 'done' && result) return result;
  // Stopped in an invariant: the run itself is whole; the invariant that did not return is unknown.
  if (ran && checker && end === 'timeout') return { ...ran, checked: checker.stopped(end, budget) };
  return run.finish(end === 'done' ? 'timeout' : end);
}

/** The execution with its invariants' verdict, when there is a checker and the run did not fail first. */
function checked(exec: CodeExecution, checker: RunChecker | undefined): CodeExecution {
  return checker && !exec.error && !exec.interrupted ? { ...exec, checked: checker.check(exec) } : exec;
}

/** A run Ctrl-C stopped before it started: it shows nothing either way. */
export function simulateInterrupted(protocol: Protocol, opts: SimOptions): CodeExecution {
  return prepare(protocol, opts, protocol.runBudgetMs ?? DEFAULT_RUN_BUDGET_MS).finish('interrupted');
}

/** Runs in order, each quick or (slow) watched: for single runs and tests, where nothing waits on Ctrl-C in between. */
export function simulateMany(protocol: Protocol, list: readonly SimOptions[], sliceMs = 50, checker?: RunChecker): CodeExecution[] {
  const { done, slow } = simulateQuick(protocol, list, sliceMs, checker);
  return slow ? [...done, simulateWatched(protocol, slow, checker)] : done;
}

/** One run, in three steps so that the watchdog can wrap the protocol's code and still report. */
interface Simulation {
  /** Builds the nodes (the protocol's `node()`) and queues the faults, inits and inputs. */
  begin(): void;
  /** Runs events until the time bound, quiescence or an error. */
  drain(): void;
  /** The execution, however it ended (a watchdog stop becomes an error or `interrupted`). */
  finish(end: WatchedEnd): CodeExecution;
}

function prepare(protocol: Protocol, opts: SimOptions, budget: number): Simulation {
  const audit = new AuditLog(true);
  const spike = new Spike(opts.faults, audit);
  const events: TraceEvent[] = [];
  const record = opts.trace ? (e: TraceEvent) => void events.push(e) : () => undefined;
  const queue = new EventQueue<SimEvent>();
  // A message's latency depends on the seed and on the message (channel, send time, rank on that
  // channel at that time) alone, not on how many draws came before: a fault elsewhere in the run
  // does not reshuffle it, so lineage stays comparable across runs.
  const channelRank = new Map<number, number>();
  const nodeIndex = new Map(protocol.nodes.map((n, i) => [n, i]));
  const seedHash = hashString(opts.seed);
  const latencyDraw = (from: string, to: string, t: number): number => {
    const channel = nodeIndex.get(from)! * protocol.nodes.length + nodeIndex.get(to)!;
    const key = t * 65536 + channel;
    const rank = (channelRank.get(key) ?? 0) + 1;
    channelRank.set(key, rank);
    return mixUnit(seedHash, channel, t, rank);
  };
  const [minLatency, maxLatency] = protocol.latency ?? [1, 3];
  const messages: MessageEntry[] = [];
  const outputs: OutputEntry[] = [];
  const inputs: InputRef[] = [];
  const causes: CodeExecution['causes'] = new Map();
  const nodeSet = new Set(protocol.nodes);
  const nodes = new Map<string, NodeState>();
  let now = 1;
  let nextId = 1;
  let error: string | undefined;
  let eventCount = 0;
  // Sends, outputs and timers so far: a handler call that adds none is silent.
  let effects = 0;
  const invocations: Invocation[] = [];

  const depsOf = (n: NodeState, because?: readonly Cause[]): Deps =>
    because ? { explicit: because.map((c) => c.id) } : { past: n.past, upto: n.past.length };

  const makeContext = (n: NodeState): NodeContext => ({
    id: n.id,
    nodes: protocol.nodes,
    now: () => {
      audit.add(now, 'clock', n.id, 'now', now);
      return now;
    },
    random: () => {
      const v = n.rng();
      audit.add(now, 'random', n.id, 'random', v);
      return v;
    },
    send: (to, payload, options) => {
      if (!nodeSet.has(to)) throw new ProtocolError(`${n.id} sent to '${to}', which is not a node (nodes: ${protocol.nodes.join(', ')})`);
      effects++;
      const id = nextId++;
      const ref: MessageRef = { kind: 'message', id, from: n.id, to, sentAt: now, payload: freeze(payload) };
      const msg: MessageEntry = { ref, deps: depsOf(n, options?.because), deliverAt: 0, status: 'pending' };
      messages.push(msg);
      causes.set(id, { kind: 'message', record: msg });
      record({ t: now, e: 'send', id, from: n.id, to, payload: ref.payload, at: now });
      const fate = spike.messageFate(n.id, to, now, `#${id}`);
      if (fate.kind === 'drop') {
        msg.deliverAt = now + minLatency; // when it would have arrived at the earliest
        msg.status = 'dropped';
        msg.reason = fate.reason;
        record({ t: now, e: 'drop', id, by: fate.reason });
        return;
      }
      let latency = minLatency;
      if (to !== n.id && maxLatency > minLatency) {
        latency = minLatency + Math.floor(latencyDraw(n.id, to, now) * (maxLatency - minLatency + 1));
        audit.add(now, 'order', 'network', 'latency', latency, id);
      }
      msg.deliverAt = now + latency + fate.extraDelay;
      queue.push(msg.deliverAt, { kind: 'deliver', msg });
    },
    setTimer: (after, name = 'timer') => {
      if (!Number.isInteger(after) || after < 1) throw new ProtocolError(`${n.id} set a timer after ${after} ms; use a whole number ≥ 1`);
      effects++;
      queue.push(now + after, { kind: 'timer', node: n.id, epoch: n.epoch, name });
    },
    output: (value, options) => {
      effects++;
      const out = { node: n.id, at: now, value: freeze(value), deps: depsOf(n, options?.because) };
      outputs.push(out);
      record({ t: now, e: 'output', node: n.id, value: out.value });
    },
    persist: (key, value) => {
      n.persisted.set(key, { json: JSON.stringify(value) ?? 'null', deps: [...n.past] });
    },
    recover: <T>(key: string) => {
      const p = n.persisted.get(key);
      if (!p) return undefined;
      for (const d of p.deps) n.past.push(d);
      return JSON.parse(p.json) as T;
    },
  });

  // The handler running now: if the watchdog stops the run, this is the one that did not return.
  let running: { node: string; what: string; at: number } | undefined;
  const call = (n: NodeState, what: string, fn: () => void) => {
    if (error) return;
    running = { node: n.id, what, at: now };
    const before = effects;
    try {
      fn();
    } catch (e) {
      const message = e instanceof ProtocolError ? e.message : `${(e as Error)?.message ?? String(e)}`;
      error = `node ${n.id} threw in ${what} at t=${now}: ${message}`;
      record({ t: now, e: 'error', node: n.id, message });
    }
    running = undefined;
    if (what !== 'node()') invocations.push({ node: n.id, at: now, acted: effects !== before });
  };

  const start = (id: string, epoch: number, persisted: NodeState['persisted']): NodeState => {
    const n = {
      id,
      up: true,
      crashed: false,
      epoch,
      past: [],
      persisted,
      rng: seedrandom(`${opts.seed}:node:${id}:${epoch}`),
    } as unknown as NodeState;
    n.ctx = makeContext(n);
    n.handlers = {};
    nodes.set(id, n);
    call(n, 'node()', () => {
      n.handlers = protocol.node(id) ?? {};
    });
    return n;
  };

  function begin(): void {
    // Faults first: at equal times the queue keeps insertion order, and a node that crashes at t must
    // not run (or send) anything at t.
    for (const ev of spike.nodeEvents()) queue.push(ev.time, { kind: 'node', ev });
    for (const ev of spike.linkEvents()) queue.push(ev.time, { kind: 'link', ev });
    for (const id of protocol.nodes) {
      start(id, 0, new Map());
      queue.push(1, { kind: 'init', node: id });
    }
    for (const w of protocol.workload) {
      const ref: InputRef = { kind: 'input', id: nextId++, node: w.node, at: w.at, value: freeze(w.value) };
      inputs.push(ref);
      causes.set(ref.id, { kind: 'input', ref });
      queue.push(w.at, { kind: 'input', ref });
    }
  }

  // The view's end time: the last event of the protocol, not a crash (whose time within a quiet
  // stretch of its node changes nothing else).
  let lastEventTime = 1;
  let stoppedAtTimeBound = false;
  let interrupted = false;
  const notified = new Set<string>();
  function drain(): void {
    while (queue.size > 0 && !error) {
      if (queue.peekTime() > opts.eot) {
        stoppedAtTimeBound = true;
        break;
      }
      const { time, item } = queue.pop();
      now = time;
      eventCount++;
      if (item.kind !== 'node' || item.ev.kind === 'up') lastEventTime = time;
      switch (item.kind) {
        case 'init': {
          const n = nodes.get(item.node)!;
          if (!n.up) break;
          record({ t: now, e: 'init', node: n.id });
          call(n, 'init', () => n.handlers.init?.(n.ctx));
          break;
        }
        case 'input': {
          const n = nodes.get(item.ref.node);
          if (!n) {
            error = `the workload gives input to '${item.ref.node}', which is not a node`;
            break;
          }
          if (!n.up) break;
          record({ t: now, e: 'input', node: n.id, id: item.ref.id, value: item.ref.value });
          n.past.push(item.ref.id);
          call(n, 'onInput', () => n.handlers.onInput?.(n.ctx, item.ref.value, item.ref));
          break;
        }
        case 'deliver': {
          const msg = item.msg;
          const n = nodes.get(msg.ref.to)!;
          if (!n.up) {
            msg.status = 'receiver-down';
            record({ t: now, e: 'lost', id: msg.ref.id, to: n.id });
            break;
          }
          msg.status = 'delivered';
          record({ t: now, e: 'deliver', id: msg.ref.id, to: n.id });
          n.past.push(msg.ref.id);
          call(n, 'onMessage', () => n.handlers.onMessage?.(n.ctx, msg.ref.from, msg.ref.payload, msg.ref));
          break;
        }
        case 'timer': {
          const n = nodes.get(item.node)!;
          if (!n.up || n.epoch !== item.epoch) break;
          record({ t: now, e: 'timer', node: n.id, name: item.name });
          call(n, 'onTimer', () => n.handlers.onTimer?.(n.ctx, item.name));
          break;
        }
        case 'node': {
          const { ev } = item;
          const n = nodes.get(ev.node)!;
          audit.add(now, 'fault', 'spike', `${ev.kind} ${ev.node}`, ev.fault);
          record({ t: now, e: ev.kind, node: ev.node });
          if (ev.kind === 'crash') {
            n.up = false;
            n.crashed = true;
          } else if (ev.kind === 'down') n.up = false;
          else if (!n.crashed) {
            const fresh = start(n.id, n.epoch + 1, n.persisted);
            call(fresh, 'init', () => fresh.handlers.init?.(fresh.ctx));
          }
          break;
        }
        case 'link': {
          const { ev } = item;
          audit.add(now, 'fault', 'spike', `${ev.kind} ${ev.from}→${ev.to}`, ev.fault);
          record({ t: now, e: ev.kind, from: ev.from, to: ev.to });
          for (const [self, peer] of [[ev.from, ev.to], [ev.to, ev.from]]) {
            const n = nodes.get(self)!;
            // A link down both ways is one dropped connection: tell each end once.
            const once = `${now}|${ev.kind}|${self}|${peer}`;
            if (!n.up || notified.has(once)) continue;
            notified.add(once);
            if (ev.kind === 'disconnect') call(n, 'onConnectionLost', () => n.handlers.onConnectionLost?.(n.ctx, peer));
            else call(n, 'onConnectionRestored', () => n.handlers.onConnectionRestored?.(n.ctx, peer));
          }
          break;
        }
      }
    }
  }
  function finish(end: WatchedEnd): CodeExecution {
    if (end === 'interrupted') interrupted = true;
    else if (end === 'timeout') {
      const message = running
        ? `did not return from ${running.what} within ${budget.toLocaleString('en-US')} ms (a loop that never ends?)`
        : `the run computed for over ${budget.toLocaleString('en-US')} ms without reaching the time bound`;
      error = running ? `node ${running.node} ${message} at t=${running.at}` : message;
      record({ t: now, e: 'error', node: running?.node ?? '', message });
    }
    const all = [...nodes.values()];
    return {
      events,
      invocations,
      audit,
      messages,
      inputs,
      outputs,
      causes,
      crashed: all.filter((n) => n.crashed).map((n) => n.id),
      down: all.filter((n) => !n.up).map((n) => n.id),
      stoppedAtTimeBound,
      endTime: lastEventTime,
      error,
      interrupted,
      eventCount,
    };
  }
  return { begin, drain, finish };
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
