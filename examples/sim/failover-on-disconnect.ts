/**
 * Lesson: failing over when the connection to the primary drops is failing over on a guess. A lost
 * connection says only that *this* link is down: when the network splits the primary off from both
 * backups, each backup sees its own link drop and each takes over: two primaries.
 *
 * a starts as primary. A primary that loses a connection steps down (it may be the one cut off); a
 * backup that loses its connection to the primary takes over. Roles are durable (a restart keeps
 * them). The connection events are the failure detector: there is no other traffic.
 *
 * Invariant: at most one node ends as primary (each node's last word: `primary` or `standby`).
 *
 * Expected (defaults: { eot: 10, eff: 3, crashes: 0 }):
 *   broken     LDFI finds 'partition {a}|{b,c}': both backups take over
 *   broken     --fault-kinds omit,disconnect (the same split as two dropped connections, a↔b and a↔c)
 * The fix: failover-on-disconnect-confirmed.ts.
 */
import { defineProtocol, type NodeHandlers } from 'ldfi/sim';
import { atMostOnePrimary } from './lib/failover-roles.ts';

export default defineProtocol({
  name: 'failover-on-disconnect',
  nodes: ['a', 'b', 'c'],
  node: (id, state): NodeHandlers => {
    const role = state.register<'primary' | 'standby'>('role', { durable: true });
    return {
      init(ctx) {
        if (id === 'a' && role.get() === undefined) {
          role.set('primary');
          ctx.output('primary');
        }
      },
      onConnectionLost(ctx, peer) {
        if (role.get() === 'primary') {
          // Cut off from someone: maybe from everyone. Step down.
          role.set('standby');
          ctx.output('standby');
        } else if (peer === 'a' && role.get() === undefined) {
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
