/** Trade acceptance as real processes: senders in Node, the desk in Python (shared by the three system files). */
import { defineSystem } from 'ldfi/tcp';
import { tradesAccepted } from '../../sim/lib/trade-model.ts';

// The interpreter's path in $PYTHON (as node-gyp reads it) spares a version manager's shim on every start.
const PYTHON = process.env.PYTHON ?? 'python3';

export function tradeSystem(opts: { name: string; bug?: 'commit-after-output' | 'any-price-is-last' }) {
  return defineSystem({
    name: opts.name,
    nodes: {
      feed: { command: 'node', args: ['sender.mjs'], env: { STREAM: 'price' }, readyLine: 'READY' },
      gateway: { command: 'node', args: ['sender.mjs'], env: { STREAM: 'trade' }, readyLine: 'READY' },
      desk: { command: PYTHON, args: ['-u', 'desk.py'], env: { DESK_BUG: opts.bug ?? '' }, readyLine: 'READY' },
    },
    links: [
      ['feed', 'desk'],
      ['gateway', 'desk'],
    ],
    framing: 'lines',
    // A price or trade and its acknowledgement carry their stream and sequence number: an
    // acknowledgement depends on its own item only (a decision carries none: its past).
    traceId: '^(?:ack )?(price \\d+|trade \\d+)',
    ticks: true,
    workload: [
      { at: 1, node: 'feed', value: { px: 100 } },
      { at: 2, node: 'gateway', value: { id: 't1', px: 101 } },
      { at: 2, node: 'feed', value: { px: 110 } },
      { at: 3, node: 'gateway', value: { id: 't2', px: 109 } },
      { at: 5, node: 'gateway', value: { id: 't3', px: 100 } },
    ],
    invariants: [tradesAccepted({ feed: 'feed', gateway: 'gateway', desk: 'desk' })],
    // Real processes take about a second a run: losses in rounds 1–3, restarts when asked for (--crashes 1).
    defaults: { eot: 12, eff: 4, crashes: 0, faultKinds: ['omit', 'restart'] },
  });
}
