/**
 * A checkout as three HTTP services (shared by the system files): `checkout` (Node) takes orders and
 * calls `inventory` (Node) to reserve the items, then `payment` (Python) to charge the card, each
 * call retried after an error status, a broken connection or three rounds without an answer.
 */
import { defineSystem, expectStream } from 'ldfi/tcp';

// The interpreter's path in $PYTHON (as node-gyp reads it) spares a version manager's shim on every start.
const PYTHON = process.env.PYTHON ?? 'python3';

interface Order {
  readonly order: string;
  readonly item: string;
  readonly qty: number;
  readonly amount: number;
}

const orders: Order[] = [
  { order: 'o1', item: 'book', qty: 1, amount: 30 },
  { order: 'o2', item: 'lamp', qty: 1, amount: 45 },
];

export function checkoutSystem(opts: { name: string; idempotent: boolean; fallback?: boolean; thirdOrder?: boolean }) {
  const byOrder = (v: unknown) => String((v as { order?: unknown }).order);
  // A second book, ordered while the first book's answer is fresh in the checkout's memory.
  const workload = opts.thirdOrder ? [...orders, { order: 'o3', item: 'book', qty: 1, amount: 30 }] : orders;
  return defineSystem({
    name: opts.name,
    nodes: {
      checkout: { command: 'node', args: ['--import', './tracing.mjs', 'checkout.mjs'], env: { IDEMPOTENT: opts.idempotent ? '1' : '0', FALLBACK: opts.fallback ? '1' : '0' }, readyLine: 'READY' },
      inventory: { command: 'node', args: ['inventory.mjs'], readyLine: 'READY' },
      payment: { command: PYTHON, args: ['-u', 'payment.py'], readyLine: 'READY' },
    },
    links: [
      ['checkout', 'inventory'],
      ['checkout', 'payment'],
    ],
    framing: 'http',
    // Every call carries W3C trace context, its trace id the order's.
    traceId: 'traceparent',
    ticks: true,
    workload: workload.map((o, i) => ({ at: i + 1, node: 'checkout' as const, value: { ...o } })),
    invariants: [
      // Black-box, from the outputs alone: every order is charged once, and confirmed once.
      expectStream({ from: 'checkout', to: 'payment', id: byOrder, name: (o) => `order ${byOrder(o)}` }),
      expectStream({ from: 'checkout', to: 'checkout', id: byOrder, expected: (o) => ({ order: byOrder(o), status: 'confirmed' }), name: (o) => `order ${byOrder(o)}` }),
      // And decided once by inventory: a confirmed order inventory never reserved is oversold stock.
      expectStream({ from: 'checkout', to: 'inventory', id: byOrder, name: (o) => `order ${byOrder(o)}` }),
    ],
    // Request-level faults, as Filibuster injects them (a lost request or answer, a 503, a reset
    // mid-response), in rounds 1–4 (a charge's answer comes back in round 4); every retry answered
    // by round 16. Dropped connections and partitions too: --fault-kinds.
    defaults: { eot: 16, eff: 5, crashes: 0, faultKinds: ['omit', 'fail', 'reset'] },
  });
}
