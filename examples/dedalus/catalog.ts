/**
 * The Dedalus example catalog: every example program with the bounds under which it is expected to be
 * resilient or broken. Used by test/examples/dedalus-verdicts.test.ts and by the benchmark.
 * Paths are relative to the repository root.
 */

export type ExpectedVerdict = 'counterexample' | 'resilient';

export interface ExampleCase {
  /** Unique row name: the example plus its bounds. */
  readonly name: string;
  /** Program files, read as one program (paths relative to the repo root). */
  readonly files: readonly string[];
  readonly eot: number;
  readonly eff: number;
  readonly crashes: number;
  /** The node set; default: every location named in the program. */
  readonly nodes?: readonly string[];
  readonly expected: ExpectedVerdict;
  /** What the row teaches, in one line. */
  readonly lesson: string;
  /** True when an exhaustive search of the whole fault space takes no more than a couple of seconds. */
  readonly exhaustiveFeasible: boolean;
}

const d = (file: string): string => `examples/dedalus/${file}`;

export const dedalusExamples: ExampleCase[] = [
  // broadcast-naive: one send, no retry.
  {
    name: 'broadcast-naive eot4 eff2 crashes1',
    files: [d('broadcast-naive.ded')],
    eot: 4, eff: 2, crashes: 1,
    expected: 'counterexample',
    lesson: 'a broadcast sent once is lost to a single omission (omit a→b @1)',
    exhaustiveFeasible: true, // 688 schedules
  },
  {
    name: 'broadcast-naive eot4 eff1',
    files: [d('broadcast-naive.ded')],
    eot: 4, eff: 1, crashes: 0,
    expected: 'resilient',
    lesson: 'with no omissions and no crashes there is nothing to break',
    exhaustiveFeasible: true, // 1 schedule
  },

  // broadcast-retry: the sender re-sends every step.
  {
    name: 'broadcast-retry eot4 eff3',
    files: [d('broadcast-retry.ded')],
    eot: 4, eff: 3, crashes: 0,
    expected: 'resilient',
    lesson: 'retrying every step outlasts omissions when EFF < EOT',
    exhaustiveFeasible: true, // 4,096 schedules
  },
  {
    name: 'broadcast-retry eot25 eff23',
    files: [d('broadcast-retry.ded')],
    eot: 25, eff: 23, crashes: 0,
    expected: 'resilient',
    lesson: 'LDFI proves resilience in one run where the fault space exceeds 10^39 schedules',
    exhaustiveFeasible: false, // 5.4e39 schedules
  },
  {
    name: 'broadcast-retry eot4 eff4',
    files: [d('broadcast-retry.ded')],
    eot: 4, eff: 4, crashes: 0,
    expected: 'counterexample',
    lesson: 'failures that never stop (EFF = EOT) defeat any retry (omit a→b @1, @2, @3)',
    exhaustiveFeasible: false, // 262,144 schedules
  },
  {
    name: 'broadcast-retry eot4 eff1 crashes1',
    files: [d('broadcast-retry.ded')],
    eot: 4, eff: 1, crashes: 1,
    expected: 'counterexample',
    lesson: 'the invariant does not excuse a crashed sender: crash a @1 before its first send',
    exhaustiveFeasible: true, // 13 schedules
  },

  // broadcast-relay: receivers forward once; agreement among correct receivers.
  {
    name: 'broadcast-relay eot4 eff2 crashes1',
    files: [d('broadcast-relay.ded')],
    eot: 4, eff: 2, crashes: 1,
    expected: 'resilient',
    lesson: 'relaying survives a sender that crashes after reaching one node (omit a→b @1; crash a @2)',
    exhaustiveFeasible: true, // 688 schedules
  },
  {
    name: 'broadcast-relay eot4 eff3',
    files: [d('broadcast-relay.ded')],
    eot: 4, eff: 3, crashes: 0,
    expected: 'counterexample',
    lesson: 'a one-shot relay falls to a chain of omissions (omit a→c @1; omit b→c @2)',
    exhaustiveFeasible: true, // 4,096 schedules
  },

  // broadcast-ack: retry until acknowledged.
  {
    name: 'broadcast-ack eot4 eff3',
    files: [d('broadcast-ack.ded')],
    eot: 4, eff: 3, crashes: 0,
    expected: 'resilient',
    lesson: 'retry-until-acked delivers whenever EFF < EOT, and stops sending once acked',
    exhaustiveFeasible: true, // 4,096 schedules
  },
  {
    name: 'broadcast-ack eot6 eff5',
    files: [d('broadcast-ack.ded')],
    eot: 6, eff: 5, crashes: 0,
    expected: 'resilient',
    lesson: 'the same at a bound where exhaustive search is out of reach',
    exhaustiveFeasible: false, // 16,777,216 schedules
  },
  {
    name: 'broadcast-ack eot4 eff4',
    files: [d('broadcast-ack.ded')],
    eot: 4, eff: 4, crashes: 0,
    expected: 'counterexample',
    lesson: 'acks cannot help when every copy to one receiver is lost (EFF = EOT)',
    exhaustiveFeasible: false, // 262,144 schedules
  },
  {
    name: 'broadcast-ack eot4 eff1 crashes1',
    files: [d('broadcast-ack.ded')],
    eot: 4, eff: 1, crashes: 1,
    expected: 'counterexample',
    lesson: 'a sender crash before its first send still breaks delivery (crash a @1)',
    exhaustiveFeasible: true, // 13 schedules
  },

  // broadcast-ack-confirmed: the sender must end up knowing.
  {
    name: 'broadcast-ack-confirmed eot4 eff2',
    files: [d('broadcast-ack-confirmed.ded')],
    eot: 4, eff: 2, crashes: 0,
    expected: 'resilient',
    lesson: 'the sender learns of every delivery when EFF <= EOT - 2 (room for a round trip)',
    exhaustiveFeasible: true, // 64 schedules
  },
  {
    name: 'broadcast-ack-confirmed eot5 eff3',
    files: [d('broadcast-ack-confirmed.ded')],
    eot: 5, eff: 3, crashes: 0,
    expected: 'resilient',
    lesson: 'EFF = EOT - 2 still leaves room for the last round trip',
    exhaustiveFeasible: true, // 4,096 schedules
  },
  {
    name: 'broadcast-ack-confirmed eot4 eff3',
    files: [d('broadcast-ack-confirmed.ded')],
    eot: 4, eff: 3, crashes: 0,
    expected: 'counterexample',
    lesson: 'with EFF = EOT - 1 the last unlosable ack arrives one step too late',
    exhaustiveFeasible: true, // 4,096 schedules
  },

  // Two-phase commit.
  {
    name: '2pc-blocking eot5 eff2',
    files: [d('2pc-blocking.ded')],
    eot: 5, eff: 2, crashes: 0,
    expected: 'resilient',
    lesson: 'retried 2PC finishes despite omissions when EFF <= EOT - 3',
    exhaustiveFeasible: true, // 64 schedules
  },
  {
    name: '2pc-blocking eot6 eff3',
    files: [d('2pc-blocking.ded')],
    eot: 6, eff: 3, crashes: 0,
    expected: 'resilient',
    lesson: 'the same, with omissions over two steps',
    exhaustiveFeasible: true, // 4,096 schedules
  },
  {
    name: '2pc-blocking eot5 eff3',
    files: [d('2pc-blocking.ded')],
    eot: 5, eff: 3, crashes: 0,
    expected: 'counterexample',
    lesson: 'omissions too late for a full prepare/vote/decision round leave a yes-voter undecided',
    exhaustiveFeasible: true, // 4,096 schedules
  },
  {
    name: '2pc-blocking eot5 eff1 crashes1',
    files: [d('2pc-blocking.ded')],
    eot: 5, eff: 1, crashes: 1,
    expected: 'counterexample',
    lesson: '2PC blocks: a crash between the votes and the decision strands every yes-voter',
    exhaustiveFeasible: true, // 16 schedules
  },
  {
    name: '2pc-timeout eot6 eff1 crashes1',
    files: [d('2pc-timeout.ded')],
    eot: 6, eff: 1, crashes: 1,
    expected: 'resilient',
    lesson: 'a participant timeout cures blocking: every crash ends in a unanimous decision',
    exhaustiveFeasible: true, // 19 schedules
  },
  {
    name: '2pc-timeout eot6 eff2',
    files: [d('2pc-timeout.ded')],
    eot: 6, eff: 2, crashes: 0,
    expected: 'counterexample',
    lesson: 'but a delayed commit meets a timed-out abort (omit coord→a @1): atomicity broken',
    exhaustiveFeasible: true, // 64 schedules
  },

  // Kafka-style replication with a shrinking in-sync replica set.
  {
    name: 'kafka-isr eot5 eff1 crashes1',
    files: [d('kafka-isr.ded')],
    eot: 5, eff: 1, crashes: 1,
    expected: 'resilient',
    lesson: 'one crash alone cannot lose an acked write',
    exhaustiveFeasible: true, // 16 schedules
  },
  {
    name: 'kafka-isr eot5 eff2',
    files: [d('kafka-isr.ded')],
    eot: 5, eff: 2, crashes: 0,
    expected: 'resilient',
    lesson: 'omissions alone cannot lose an acked write: the leader keeps it',
    exhaustiveFeasible: true, // 64 schedules
  },
  {
    name: 'kafka-isr eot5 eff2 crashes1',
    files: [d('kafka-isr.ded')],
    eot: 5, eff: 2, crashes: 1,
    expected: 'counterexample',
    lesson: 'the ISR shrinks to the leader, which acks and crashes (omit l→f @1; crash l @5)',
    exhaustiveFeasible: true, // 880 schedules
  },
  {
    name: 'kafka-isr eot5 eff1 crashes2',
    files: [d('kafka-isr.ded')],
    eot: 5, eff: 1, crashes: 2,
    expected: 'counterexample',
    lesson: 'two replicas cannot survive two crashes',
    exhaustiveFeasible: true, // 91 schedules
  },

  // Quorum acknowledgement with count<R>.
  {
    name: 'quorum-write eot4 eff2 crashes1',
    files: [d('quorum-write.ded')],
    eot: 4, eff: 2, crashes: 1,
    expected: 'resilient',
    lesson: 'a count<R> quorum of 2 of 3 survives any one crash with omissions',
    exhaustiveFeasible: true, // 688 schedules
  },
  {
    name: 'quorum-write eot5 eff3 crashes1',
    files: [d('quorum-write.ded')],
    eot: 5, eff: 3, crashes: 1,
    expected: 'resilient',
    lesson: 'the same over a larger fault space',
    exhaustiveFeasible: false, // 44,800 schedules
  },
  {
    name: 'quorum-write eot4 eff1 crashes2',
    files: [d('quorum-write.ded')],
    eot: 4, eff: 1, crashes: 2,
    expected: 'resilient',
    lesson: 'crashes alone cannot keep the write from a third replica',
    exhaustiveFeasible: true, // 61 schedules
  },
  {
    name: 'quorum-write eot4 eff2 crashes2',
    files: [d('quorum-write.ded')],
    eot: 4, eff: 2, crashes: 2,
    expected: 'counterexample',
    lesson: 'a quorum of Q tolerates Q - 1 crashes: omit l→f2 @1; crash l @2; crash f1 @3',
    exhaustiveFeasible: true, // 2,716 schedules
  },
  {
    name: 'quorum-acks1 eot4 eff2',
    files: [d('quorum-acks1.ded')],
    eot: 4, eff: 2, crashes: 0,
    expected: 'resilient',
    lesson: 'acks=1 is fine while nothing crashes',
    exhaustiveFeasible: true, // 64 schedules
  },
  {
    name: 'quorum-acks1 eot4 eff1 crashes1',
    files: [d('quorum-acks1.ded')],
    eot: 4, eff: 1, crashes: 1,
    expected: 'counterexample',
    lesson: 'acks=1 loses an acked write to a leader crash (crash l @1)',
    exhaustiveFeasible: true, // 13 schedules
  },
  // counter-retry: an aggregate reads what a lost acknowledgement adds (issue 7, part 1).
  {
    name: 'counter-retry eot5 eff3',
    files: [d('counter-retry.ded')],
    eot: 5, eff: 3, crashes: 0,
    expected: 'counterexample',
    lesson: 'a lost ack makes the retry count twice: negative support must reach through count<…> (omit server→client @2)',
    exhaustiveFeasible: true, // 16 schedules
  },
  {
    name: 'counter-retry eot5 eff2',
    files: [d('counter-retry.ded')],
    eot: 5, eff: 2, crashes: 0,
    expected: 'resilient',
    lesson: 'when the ack cannot be lost, a lost request is only retried, and counted once',
    exhaustiveFeasible: true, // 4 schedules
  },

  // heartbeat-timeout: a timeout decides on a count of what arrived.
  {
    name: 'heartbeat-timeout eot6 eff2 crashes1',
    files: [d('heartbeat-timeout.ded')],
    eot: 6, eff: 2, crashes: 1,
    expected: 'resilient',
    lesson: 'one lost heartbeat leaves two; a crashed worker may be suspected',
    exhaustiveFeasible: true, // 48 schedules
  },
  {
    name: 'heartbeat-timeout eot6 eff3',
    files: [d('heartbeat-timeout.ded')],
    eot: 6, eff: 3, crashes: 0,
    expected: 'counterexample',
    lesson: 'two lost heartbeats make the timeout suspect a live worker, a violation faults create (omit worker→monitor @1, @2)',
    exhaustiveFeasible: true, // 16 schedules
  },
  // view-change: Molly's dialect (to every node, notin-only variables, two aggregates, includes).
  {
    name: 'view-change eot5 eff4',
    files: [d('view-change.ded')],
    eot: 5, eff: 4, crashes: 0,
    nodes: ['coord', 'n1', 'n2'],
    expected: 'resilient',
    lesson: 'an announcement to every node, repeated until a tally of acks says done, outlasts omissions',
    exhaustiveFeasible: false, // 262,144 schedules
  },
  {
    name: 'view-change eot4 eff4',
    files: [d('view-change.ded')],
    eot: 4, eff: 4, crashes: 0,
    nodes: ['coord', 'n1', 'n2'],
    expected: 'counterexample',
    lesson: 'with failures to the end, a member misses every announcement (omit coord→n1 @1, @2, @3)',
    exhaustiveFeasible: false, // 262,144 schedules
  },
  {
    name: 'view-change eot4 eff1 crashes1',
    files: [d('view-change.ded')],
    eot: 4, eff: 1, crashes: 1,
    nodes: ['coord', 'n1', 'n2'],
    expected: 'counterexample',
    lesson: 'a coordinator that crashes before announcing leaves every member without the view',
    exhaustiveFeasible: true, // 13 schedules
  },
  // replicated-log: five nodes and a membership service (issue 7's size: ~40 rules, EOT 7, EFF 4).
  {
    name: 'replicated-log eot7 eff4',
    files: [d('replicated-log.ded')],
    eot: 7, eff: 4, crashes: 0,
    expected: 'resilient',
    lesson: 'entries are appended to every replica of the view until acked, and committed only under a view held',
    exhaustiveFeasible: false, // 1.15e18 schedules
  },
  {
    name: 'replicated-log-eager eot7 eff2',
    files: [d('replicated-log-eager.ded')],
    eot: 7, eff: 2, crashes: 0,
    expected: 'counterexample',
    lesson: 'committing before any view arrives commits on nobody (omit m→l @1)',
    exhaustiveFeasible: false, // 1,048,576 schedules
  },

  // token-ring: skip-ahead around four nodes (issue 7: EOT 7).
  {
    name: 'token-ring eot7 eff3',
    files: [d('token-ring.ded')],
    eot: 7, eff: 3, crashes: 0,
    expected: 'resilient',
    lesson: 'a silent successor is skipped, so omissions alone cannot stop the token',
    exhaustiveFeasible: false, // 16,777,216 schedules
  },
  {
    name: 'token-ring eot7 eff3 crashes1',
    files: [d('token-ring.ded')],
    eot: 7, eff: 3, crashes: 1,
    expected: 'counterexample',
    lesson: 'an ack means I hold it, not I passed it on: omit n2→n3 @2; crash n2 @3',
    exhaustiveFeasible: false, // 361,758,720 schedules
  },

  // relay-ack-broadcast: every holder relays until acknowledged (issue 7: 3 nodes, EOT 6, EFF 3, 1 crash).
  {
    name: 'relay-ack-broadcast eot6 eff3 crashes1',
    files: [d('relay-ack-broadcast.ded')],
    eot: 6, eff: 3, crashes: 1,
    expected: 'resilient',
    lesson: 'every holder re-sends until acked, so the last copy sent after EFF lands',
    exhaustiveFeasible: false, // 57,088 schedules
  },
  {
    name: 'relay-ack-broadcast eot4 eff4',
    files: [d('relay-ack-broadcast.ded')],
    eot: 4, eff: 4, crashes: 0,
    expected: 'counterexample',
    lesson: 'with failures to the end, every copy to one node is lost (five omissions)',
    exhaustiveFeasible: false, // 262,144 schedules
  },

  // primary-backup: acknowledge after the backup confirms, or on receipt (issue 7: EOT 7, EFF 4, 1 crash).
  {
    name: 'primary-backup-sync eot7 eff4 crashes1',
    files: [d('primary-backup-sync.ded')],
    eot: 7, eff: 4, crashes: 1,
    expected: 'resilient',
    lesson: 'an ack means on both replicas: one crash cannot lose an acknowledged write',
    exhaustiveFeasible: false, // 3,665,920 schedules
  },
  {
    name: 'primary-backup-async eot7 eff4 crashes1',
    files: [d('primary-backup-async.ded')],
    eot: 7, eff: 4, crashes: 1,
    expected: 'counterexample',
    lesson: 'acking on receipt loses the write to one lost push and a crash (omit p→b @2; crash p @3)',
    exhaustiveFeasible: false, // 3,665,920 schedules
  },

  // synod: single-decree consensus, quorums counted with count<> and the latest vote with max<>.
  {
    name: 'synod eot9 eff4 crashes1',
    files: [d('synod.ded')],
    eot: 9, eff: 4, crashes: 1,
    expected: 'resilient',
    lesson: 'any majority of promises includes a vote for the chosen value, so the second proposer asks for it too',
    exhaustiveFeasible: false, // 5,238,784 schedules
  },
  {
    name: 'synod eot9 eff0 crashes1',
    files: [d('synod.ded')],
    eot: 9, eff: 0, crashes: 1,
    expected: 'resilient',
    lesson: 'one crash, at any time, cannot split a majority',
    exhaustiveFeasible: true, // 28 schedules
  },
  {
    name: 'synod-adopt-any eot9 eff4 crashes1',
    files: [d('synod-adopt-any.ded')],
    eot: 9, eff: 4, crashes: 1,
    expected: 'counterexample',
    lesson: 'taking one promise without a vote as leave to propose splits the decision (omit n1→n2 @3)',
    exhaustiveFeasible: false, // 5,238,784 schedules
  },
];
