import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/injector/audit.ts';
import { randomSchedule } from '../../src/injector/random.ts';
import { Spike } from '../../src/injector/spike.ts';
import { parseFaults } from '../../src/injector/text.ts';
import { validateSchedule } from '../../src/injector/faults.ts';

function spike(text: string) {
  const audit = new AuditLog();
  return { s: new Spike(parseFaults(text), audit), audit };
}

describe('Spike applies faults deterministically', () => {
  it('drops what omissions, dropped connections and partitions cover, and logs each', () => {
    const { s, audit } = spike('omit a→b @3; disconnect b↔c @5..6; partition {a}|{c} @8..9');
    expect(s.messageFate('a', 'b', 3, '#1')).toEqual({ kind: 'drop', reason: 'omit a→b @3' });
    expect(s.messageFate('a', 'b', 4, '#2').kind).toBe('deliver');
    expect(s.messageFate('b', 'a', 3, '#3').kind).toBe('deliver');
    expect(s.messageFate('c', 'b', 6, '#4')).toEqual({ kind: 'drop', reason: 'disconnect b↔c @5..6' });
    expect(s.messageFate('c', 'b', 7, '#5').kind).toBe('deliver');
    expect(s.messageFate('c', 'a', 8, '#6')).toEqual({ kind: 'drop', reason: 'partition {a}|{c} @8..9' });
    expect(s.messageFate('a', 'a', 3, '#7').kind).toBe('deliver');
    expect(audit.entries.map((e) => e.what)).toEqual(['drop #1 a→b', 'drop #4 c→b', 'drop #6 c→a']);
  });

  it('delays messages by the schedule and orders node and link events by time', () => {
    const { s } = spike('delay a→b @2 by 4; restart c @5..7; crash b @3; disconnect a→c @4..4');
    expect(s.messageFate('a', 'b', 2, '#1')).toEqual({ kind: 'deliver', extraDelay: 4 });
    expect(s.nodeEvents().map((e) => `${e.kind} ${e.node} @${e.time}`)).toEqual(['crash b @3', 'down c @5', 'up c @8']);
    expect(s.linkEvents().map((e) => `${e.kind} ${e.from}→${e.to} @${e.time}`)).toEqual(['disconnect a→c @4', 'reconnect a→c @5']);
  });
});

describe('seeded random schedules', () => {
  const bounds = { eot: 20, eff: 10, crashes: 1, nodes: ['a', 'b', 'c'] };
  const kinds = ['omit', 'crash', 'restart', 'partition', 'disconnect', 'delay'] as const;
  it('run i depends only on (seed, i), and every schedule is valid within the bounds', () => {
    for (let i = 1; i <= 50; i++) {
      const s = randomSchedule(bounds, 'seed', i, kinds);
      expect(randomSchedule(bounds, 'seed', i, kinds)).toEqual(s);
      expect(() => validateSchedule(s, bounds)).not.toThrow();
    }
    const a = Array.from({ length: 10 }, (_, i) => JSON.stringify(randomSchedule(bounds, 'seed', i + 1, kinds)));
    const b = Array.from({ length: 10 }, (_, i) => JSON.stringify(randomSchedule(bounds, 'other', i + 1, kinds)));
    expect(a).not.toEqual(b);
    expect(new Set(a.flatMap((s) => (JSON.parse(s) as { kind: string }[]).map((f) => f.kind))).size).toBeGreaterThan(3);
  });
});
