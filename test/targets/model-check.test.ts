import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { checkModel, expectModel, ModelSearchExhausted, type ModelCheck, type StreamItem, type StreamModel } from '../../src/targets/code/model-check.ts';
import type { InputRef, OutputRecord, Payload, RunView } from '../../src/targets/code/outputs.ts';

/**
 * The reference-model check over several input streams: market prices and trades; a trade is
 * accepted when its price is within 1 of the last market price seen, else rejected (and rejected
 * when no price was seen yet).
 */
type Decision = { id: string; ok: boolean };
type Price = { px: number };
type Trade = { id: string; px: number; key?: string };

const band: StreamModel<number | null> = {
  init: null,
  step: (last, item) => {
    if (item.stream === 'market') return { state: (item.value as Price).px };
    const t = item.value as Trade;
    return { state: last, out: [{ id: t.id, ok: last !== null && Math.abs(t.px - last) <= 1 }] };
  },
};

/** The same model as a plain function of the whole interleaving. */
const bandFunction: StreamModel = (items) => {
  let last: number | null = null;
  const out: Decision[] = [];
  for (const item of items) {
    if (item.stream === 'market') last = (item.value as Price).px;
    else {
      const t = item.value as Trade;
      out.push({ id: t.id, ok: last !== null && Math.abs(t.px - last) <= 1 });
    }
  }
  return out;
};

function view(inputs: { node: string; at: number; value: Payload }[], outputs: { at: number; value: Payload }[]): RunView {
  return {
    inputs: inputs.map((i, id): InputRef => ({ kind: 'input', id, node: i.node, at: i.at, value: i.value })),
    outputs: outputs.map((o): OutputRecord => ({ node: 'desk', at: o.at, value: o.value, inputs: [] })),
    crashed: [],
    restarted: [],
    down: [],
    stoppedAtTimeBound: false,
    endTime: 100,
  };
}

const msgs = (found: readonly (string | { message: string })[]) => found.map((f) => (typeof f === 'string' ? f : f.message));
/** `expectModel` as the terminal reads it: each violation's one line. */
const expectMessages = (c: ModelCheck<number | null>) => (run: RunView) => msgs(expectModel(c)(run));

const check = (over: Partial<ModelCheck<number | null>> = {}): ModelCheck<number | null> => ({
  streams: { market: 'feed', trades: 'gateway' },
  to: 'desk',
  model: band,
  name: (d) => `trade ${(d as Decision).id} ${(d as Decision).ok ? 'accepted' : 'rejected'}`,
  ...over,
});

describe('a reference model over two streams', () => {
  const inputs = [
    { node: 'feed', at: 1, value: { px: 10 } },
    { node: 'gateway', at: 2, value: { id: 't1', px: 10 } },
    { node: 'feed', at: 3, value: { px: 20 } },
    { node: 'gateway', at: 4, value: { id: 't2', px: 10 } },
  ];

  it('explains outputs through the interleaving the system met, and names it', () => {
    // t2 was decided before the second price reached the desk: accepted against 10.
    const r = checkModel(view(inputs, [{ at: 5, value: { id: 't1', ok: true } }, { at: 6, value: { id: 't2', ok: true } }]), check());
    expect(r.explained).toBe(true);
    expect(r.interleaving.map((i) => `${i.stream}#${i.index + 1}`)).toEqual(['market#1', 'trades#1', 'trades#2', 'market#2']);
    // And the arrival-time interleaving when that is what the outputs say.
    const r2 = checkModel(view(inputs, [{ at: 5, value: { id: 't1', ok: true } }, { at: 6, value: { id: 't2', ok: false } }]), check());
    expect(r2.interleaving.map((i) => `${i.stream}#${i.index + 1}`)).toEqual(['market#1', 'trades#1', 'market#2', 'trades#2']);
  });

  it('unseen: a decision against a price that went in after it', () => {
    // t1 (price 20) accepted @2: only the price 20 explains that, and it went in @3.
    const ins = [inputs[0], { node: 'gateway', at: 2, value: { id: 't1', px: 20 } }, inputs[2]];
    const r = checkModel(view(ins, [{ at: 2, value: { id: 't1', ok: true } }]), check());
    expect(r.explained).toBe(false);
    expect(r.anomalies.map((a) => a.message)).toEqual(['unseen: trade t1 accepted came out @2, before market #2 (in @3) that the model needs for it']);
    expect(r.interleaving.map((i) => `${i.stream}#${i.index + 1}`)).toEqual(['market#1', 'market#2', 'trades#1']);
    // Decided once the price could have reached the desk: explained.
    expect(checkModel(view(ins, [{ at: 3, value: { id: 't1', ok: true } }]), check()).explained).toBe(true);
  });

  it('names lost, duplicated and reordered decisions, and passes the fixed twin', () => {
    const good = [{ at: 5, value: { id: 't1', ok: true } }, { at: 6, value: { id: 't2', ok: false } }];
    expect(expectMessages(check())(view(inputs, good))).toEqual([]);
    const lost = expectMessages(check())(view(inputs, [good[0]]));
    expect(lost).toEqual([expect.stringMatching(/^lost: trade t2 rejected never came out at desk/)]);
    const dup = expectMessages(check())(view(inputs, [good[0], good[1], { at: 9, value: { id: 't2', ok: false } }]));
    expect(dup).toEqual(['duplicated: trade t2 rejected came out twice (@6, @9) at desk; the model gives it once']);
    const swapped = expectMessages(check())(view(inputs, [{ at: 6, value: { id: 't2', ok: false } }, { at: 7, value: { id: 't1', ok: true } }]));
    expect(swapped.some((m) => m.startsWith('reordered: trade t1 accepted came out @7'))).toBe(true);
    // The same outputs with order ignored: explained.
    expect(expectMessages(check({ order: 'none' }))(view(inputs, [{ at: 6, value: { id: 't2', ok: false } }, { at: 7, value: { id: 't1', ok: true } }]))).toEqual([]);
  });

  it('stale: a decision on a price the outputs before it show was already replaced', () => {
    // t2 accepted needs the second price (110); t3 (price 100) accepted after it is the model's
    // answer as of the first price only: a redelivered old price taken as the last.
    const ins = [
      { node: 'feed', at: 1, value: { px: 100 } },
      { node: 'gateway', at: 2, value: { id: 't1', px: 101 } },
      { node: 'feed', at: 3, value: { px: 110 } },
      { node: 'gateway', at: 4, value: { id: 't2', px: 109 } },
      { node: 'gateway', at: 5, value: { id: 't3', px: 100 } },
    ];
    const decided = (ok3: boolean) => [
      { at: 5, value: { id: 't1', ok: true } },
      { at: 6, value: { id: 't2', ok: true } },
      { at: 8, value: { id: 't3', ok: ok3 } },
    ];
    expect(expectMessages(check())(view(ins, decided(true)))).toEqual([
      "stale: trade t3 accepted at desk @8 is the model's answer as of market #1 (in @1), but trade t2 accepted @6 before it needs market #2 (in @3) seen",
    ]);
    // Its fixed twin: t3 rejected against the newer price.
    expect(expectMessages(check())(view(ins, decided(false)))).toEqual([]);
  });

  it('an output made before the inputs the model needs for it is unseen', () => {
    // One stream: the interleaving is fixed, t1 accepted @0 before the price (in @1) it needs.
    const r = checkModel(view([inputs[0], { node: 'gateway', at: 0, value: { id: 't1', px: 10 } }], [{ at: 0, value: { id: 't1', ok: false } }]), check());
    expect(r.explained).toBe(true);
    const early = checkModel(view([inputs[0], { node: 'gateway', at: 1, value: { id: 't1', px: 10 } }], [{ at: 0, value: { id: 't1', ok: true } }]), check());
    expect(early.explained).toBe(false);
    expect(early.anomalies.map((a) => a.kind)).toEqual(['unseen']);
    expect(early.anomalies[0].message).toBe('unseen: trade t1 accepted came out @0, before trades #1 (in @1) that the model needs for it');
  });

  it('gives up past maxStates, never passing an unjudged run', () => {
    // Two long streams whose decisions no interleaving explains: the search must try many.
    const ins = [...Array.from({ length: 12 }, (_, i) => ({ node: 'feed', at: i, value: { px: i } })), ...Array.from({ length: 12 }, (_, i) => ({ node: 'gateway', at: i, value: { id: `t${i}`, px: 100 } }))];
    const outs = Array.from({ length: 12 }, (_, i) => ({ at: 50, value: { id: `t${i}`, ok: i === 11 } }));
    expect(() => checkModel(view(ins, outs), check({ model: bandFunction as never, maxStates: 500 }))).toThrow(ModelSearchExhausted);
  });
});

/** Every interleaving of the streams (each in its own order). */
function interleavings(streams: StreamItem[][]): StreamItem[][] {
  const out: StreamItem[][] = [];
  const pos = streams.map(() => 0);
  const path: StreamItem[] = [];
  const total = streams.reduce((n, s) => n + s.length, 0);
  const walk = () => {
    if (path.length === total) {
      out.push(path.slice());
      return;
    }
    streams.forEach((s, i) => {
      if (pos[i] >= s.length) return;
      path.push(s[pos[i]++]);
      walk();
      pos[i]--;
      path.pop();
    });
  };
  walk();
  return out;
}

/** Whether the model's outputs along `order` match the observed ones, by the check's rules (brute force). */
function explains(items: StreamItem[], observed: { at: number; value: Payload }[], mode: 'total' | 'per-key' | 'none', key: (v: Payload) => string): boolean {
  const model: { value: Payload; needs: number }[] = [];
  let last: number | null = null;
  let needs = -Infinity;
  for (const item of items) {
    needs = Math.max(needs, item.at);
    if (item.stream === 'market') last = (item.value as Price).px;
    else {
      const t = item.value as Trade;
      model.push({ value: { id: t.id, ok: last !== null && Math.abs(t.px - last) <= 1 }, needs });
    }
  }
  if (model.length !== observed.length) return false;
  const obs = observed.map((o, i) => ({ ...o, i })).sort((a, b) => a.at - b.at || a.i - b.i);
  const same = (a: Payload, b: Payload) => JSON.stringify(a) === JSON.stringify(b);
  if (mode !== 'none') {
    const lanes = (list: { value: Payload }[]) => {
      const m = new Map<string, number[]>();
      list.forEach((x, i) => {
        const k = mode === 'per-key' ? key(x.value) : '';
        (m.get(k) ?? m.set(k, []).get(k)!).push(i);
      });
      return m;
    };
    const a = lanes(model);
    const b = lanes(obs);
    if (a.size !== b.size) return false;
    for (const [k, is] of a) {
      const js = b.get(k);
      if (!js || js.length !== is.length) return false;
      for (let n = 0; n < is.length; n++) if (!same(model[is[n]].value, obs[js[n]].value) || obs[js[n]].at < model[is[n]].needs) return false;
    }
    return true;
  }
  // A perfect matching, by trying every assignment (at most 4 outputs here).
  const used = new Array(obs.length).fill(false);
  const assign = (i: number): boolean => {
    if (i === model.length) return true;
    for (let j = 0; j < obs.length; j++) {
      if (used[j] || !same(model[i].value, obs[j].value) || obs[j].at < model[i].needs) continue;
      used[j] = true;
      if (assign(i + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  return assign(0);
}

describe('the interleaving search agrees with brute force', () => {
  it('on 500 generated cases: same verdict, and an explaining interleaving really explains', () => {
    let explainedCount = 0;
    for (let c = 0; c < 500; c++) {
      const rnd = seedrandom(`model-${c}`);
      const int = (n: number) => Math.floor(rnd() * n);
      const nm = int(4);
      const nt = 1 + int(4);
      const ins: { node: string; at: number; value: Payload }[] = [];
      for (let i = 0; i < nm; i++) ins.push({ node: 'feed', at: int(6), value: { px: 10 + int(3) } });
      for (let i = 0; i < nt; i++) ins.push({ node: 'gateway', at: int(6), value: { id: `t${i}`, px: 10 + int(3), key: int(2) ? 'a' : 'b' } });
      const v0 = view(ins, []);
      const streams: StreamItem[][] = ['feed', 'gateway'].map((node, s) =>
        v0.inputs
          .filter((i) => i.node === node)
          .sort((a, b) => a.at - b.at || a.id - b.id)
          .map((i, index) => ({ stream: s === 0 ? 'market' : 'trades', value: i.value, at: i.at, index })),
      );
      const all = interleavings(streams);
      // Outputs from one interleaving, each some time after what it needed, then perhaps spoiled.
      const chosen = all[int(all.length)];
      const outs: { at: number; value: Payload }[] = [];
      let last: number | null = null;
      let needs = 0;
      for (const item of chosen) {
        needs = Math.max(needs, item.at);
        if (item.stream === 'market') last = (item.value as Price).px;
        else {
          const t = item.value as Trade;
          outs.push({ at: needs + int(3), value: { id: t.id, ok: last !== null && Math.abs(t.px - last) <= 1 } });
        }
      }
      const spoil = int(6);
      if (spoil === 1 && outs.length) outs.splice(int(outs.length), 1);
      if (spoil === 2 && outs.length) outs.push({ ...outs[int(outs.length)] });
      if (spoil === 3 && outs.length) {
        const o = outs[int(outs.length)];
        o.value = { ...(o.value as Decision), ok: !(o.value as Decision).ok };
      }
      if (spoil === 4 && outs.length) outs[int(outs.length)].at -= 1 + int(3);
      const mode = (['total', 'per-key', 'none'] as const)[int(3)];
      const tradeKey = new Map(ins.filter((i) => i.node === 'gateway').map((i) => [(i.value as Trade).id, (i.value as Trade).key!]));
      const key = (v: Payload) => tradeKey.get((v as Decision).id)!;
      const brute = all.some((order) => explains(order, outs, mode, key));
      for (const model of [band, bandFunction] as StreamModel<never>[]) {
        const r = checkModel(view(ins, outs), { streams: { market: 'feed', trades: 'gateway' }, to: 'desk', model, order: mode, key });
        expect(r.explained, `case ${c} (${mode})`).toBe(brute);
        if (r.explained) expect(explains(r.interleaving as StreamItem[], outs, mode, key), `case ${c}: its interleaving`).toBe(true);
        else expect(r.anomalies.length, `case ${c}: anomalies named`).toBeGreaterThan(0);
      }
      if (brute) explainedCount++;
    }
    // Both verdicts must be common, or the agreement says little.
    expect(explainedCount).toBeGreaterThan(100);
    expect(explainedCount).toBeLessThan(450);
  });
});
