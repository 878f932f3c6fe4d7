/** The double-and-halve pipeline as real processes, with or without session recovery (shared by both system files). */
import { defineSystem, expectOutputs } from 'ldfi/tcp';

// The interpreter's path in $PYTHON (as node-gyp reads it) spares a version manager's shim on every start.
const PYTHON = process.env.PYTHON ?? 'python3';

export function doubleHalve(opts: { recovery: boolean }) {
  const env = { RECOVERY: opts.recovery ? '1' : '0' };
  return defineSystem({
    name: opts.recovery ? 'double-halve-recovery' : 'double-halve',
    nodes: {
      source: { command: 'node', args: ['source.mjs'], env, readyLine: 'READY' },
      doubler: { command: PYTHON, args: ['stage.py', 'double', 'halver'], env, readyLine: 'READY' },
      halver: { command: PYTHON, args: ['stage.py', 'halve', 'sink'], env, readyLine: 'READY' },
      sink: { command: 'node', args: ['sink.mjs'], env, readyLine: 'READY' },
    },
    links: [
      ['source', 'doubler'],
      ['doubler', 'halver'],
      ['halver', 'sink'],
    ],
    framing: 'lines',
    // Messages are "<seq> <value>": the sequence number traces an item through the stages, so a
    // message depends on what its stage received of the same item, not on all it received.
    traceId: '^(\\d+) ',
    ticks: true,
    workload: [
      { at: 1, node: 'source', value: 1 },
      { at: 2, node: 'source', value: 2 },
    ],
    // Doubled, then halved: each item comes out as it went in, exactly once.
    invariants: [expectOutputs({ from: 'source', to: 'sink', expected: (v) => v })],
    defaults: { eot: 12, eff: 4, crashes: 0 },
  });
}
