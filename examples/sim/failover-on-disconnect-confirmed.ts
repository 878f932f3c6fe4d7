/**
 * The fix of failover-on-disconnect.ts: a backup takes over only when another witness confirms the
 * primary is gone. b is the only backup that may take over; when it loses its connection to a it asks
 * c, and c agrees only if it has lost a too — and a, hearing its own connection to c drop at that
 * same moment, has stepped down. c never takes over (with three nodes, b and c are the majority that
 * must agree). Roles are durable.
 *
 * What it still gets wrong: a node that was down when the network split never hears of it. With
 * --crashes 1, LDFI finds 'restart a @1..1; partition {a}|{b,c} @1..1': a, down at the split, comes
 * up as primary beside b. Fixing that takes leases or grants of leadership, beyond this example.
 *
 * Invariant: at most one node ends as primary.
 *
 * Expected (defaults: { eot: 10, eff: 3, crashes: 0 }):
 *   resilient  (omissions, disconnects and partitions: at worst nobody is primary, never two)
 *   broken     --crashes 1 (a restart during the split: see above)
 */
import { defineProtocol, type NodeHandlers } from 'ldfi/sim';
import { atMostOnePrimary } from './lib/failover-roles.ts';

type Msg = { kind: 'lost-a?' } | { kind: 'agree' };

export default defineProtocol({
  name: 'failover-on-disconnect-confirmed',
  nodes: ['a', 'b', 'c'],
  node: (id, state): NodeHandlers => {
    const role = state.register<'primary' | 'standby'>('role', { durable: true });
    const lostA = state.register<boolean>('lostA', { durable: true });
    return {
      init(ctx) {
        if (id === 'a' && role.get() === undefined) {
          role.set('primary');
          ctx.output('primary');
        }
      },
      onConnectionLost(ctx, peer) {
        if (role.get() === 'primary') {
          role.set('standby');
          ctx.output('standby');
          return;
        }
        if (peer !== 'a') return;
        lostA.set(true);
        if (id === 'b') ctx.send('c', { kind: 'lost-a?' });
      },
      onMessage(ctx, from, payload) {
        const m = payload as Msg;
        if (m.kind === 'lost-a?' && lostA.get()) ctx.send(from, { kind: 'agree' });
        if (m.kind === 'agree' && role.get() === undefined) {
          role.set('primary');
          ctx.output('primary');
        }
      },
    };
  },
  workload: [],
  invariants: [atMostOnePrimary],
  defaults: { eot: 10, eff: 3, crashes: 0 },
});
