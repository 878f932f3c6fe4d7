import { describe, expect, it } from 'vitest';
import { defineProtocol, type NodeHandlers, type NodeState } from '../../../src/targets/sim/api.ts';
import { auditNodeState } from '../../../src/targets/sim/closure-state.ts';

const audit = (node: (id: string, state: NodeState) => NodeHandlers) =>
  auditNodeState(defineProtocol({ name: 'p', nodes: ['a'], node, workload: [], invariants: [] }))[0];
const why = (node: (id: string, state: NodeState) => NodeHandlers) => audit(node).why.map((w) => w.message);

let moduleCounter = 0;
const FROZEN_PEERS = Object.freeze(['b', 'c']);
const PEERS = ['b', 'c'];

describe('which nodes keep state ldfi cannot see', () => {
  it('tracked state, constants, parameters and read-only objects are precise', () => {
    const a = audit((id, state) => {
      const seen = state.set('seen');
      const limit = 3;
      const opts = { retries: 2 };
      const peers = PEERS.filter((p) => p !== id);
      return {
        onMessage(ctx, from) {
          if (seen.has(from) || seen.size >= limit + opts.retries) return;
          seen.add(from);
          for (const p of peers) if (FROZEN_PEERS.includes(p)) ctx.send(p, { from, id });
        },
      };
    });
    expect(a).toEqual({ node: 'a', precise: true, why: [], usesRefs: false });
  });

  it('a handler reading its message reference (numbered per run) is noted; naming it in `because` is not', () => {
    expect(audit(() => ({ onMessage: (ctx, _from, payload, msg) => ctx.output(payload, { because: [msg] }) })).usesRefs).toBe(false);
    expect(audit(() => ({ onMessage: (ctx, _from, _payload, msg) => ctx.output(msg.id) })).usesRefs).toBe(true);
    expect(audit(() => ({ onInput: (ctx, v, { at }) => ctx.output([v, at]) })).usesRefs).toBe(true);
  });

  it('a closure variable assigned by a handler, a collection changed in place, and module state are named', () => {
    expect(
      why(() => {
        let count = 0;
        const log: string[] = [];
        return {
          onMessage(ctx, from) {
            count++;
            log.push(from);
            moduleCounter += 1;
            ctx.output(count);
          },
        };
      }),
    ).toEqual([
      '`count` (declared in a closure) is assigned by a handler',
      '`log` (an array, declared in a closure) is changed by a handler (`.push(…)`)',
      // At module level when ldfi loads the file; the test runner wraps modules in a function.
      expect.stringMatching(/^`moduleCounter` \(declared (at module level|in a closure)\) is assigned by a handler$/),
    ]);
  });

  it('state changed through a helper the handlers call, or handed to code that could change it, is found', () => {
    const helper = () => {
      const pending = new Map<string, number>();
      return { remember: (k: string) => pending.set(k, 1), size: () => pending.size };
    };
    const keep = (list: string[], x: string) => list.push(x);
    expect(
      why(() => {
        const h = helper();
        const items: string[] = [];
        return {
          onMessage(ctx, from) {
            h.remember(from);
            keep(items, from);
            ctx.output(h.size());
          },
        };
      }),
    ).toEqual(expect.arrayContaining(['`pending` (a Map, declared in helper) is changed by a handler (`.set(…)`)', '`items` (an array, declared in a closure) is handed to `keep`, which could change it']));
  });

  it('handlers that are a class instance, or use `this`, are conservative', () => {
    class Replica {
      n = 0;
      onMessage() {
        this.n++;
      }
    }
    expect(why(() => new Replica() as unknown as NodeHandlers)).toEqual(['its handlers are an instance of Replica: its fields are state ldfi cannot see']);
    expect(
      why(() => ({
        n: 0,
        onMessage() {
          (this as unknown as { n: number }).n++;
        },
      })),
    ).toEqual(['onMessage uses `this`: fields of an object are state ldfi cannot see']);
  });

  it('a node factory that throws is conservative, naming the error', () => {
    expect(
      why(() => {
        throw new Error('boom');
      }),
    ).toEqual(['node("a") threw: boom']);
  });
});
