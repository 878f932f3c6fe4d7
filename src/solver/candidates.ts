import type { Bounds } from '../model/bounds.ts';
import { faultKey, type Fault } from '../model/faults.ts';
import type { LineageGraph } from '../model/lineage.ts';
import { faultModel } from '../model/fault-model.ts';

/**
 * The faults worth considering for a lineage graph: omissions of the messages it shows (between
 * distinct nodes, sent before EFF), and crashes of its senders at the steps where they send (a crash
 * between two sends acts like a crash at the next send), plus the crash times its crash facts name.
 */
export function faultCandidates(g: LineageGraph, b: Bounds): Fault[] {
  const omissions = new Map<string, Fault>();
  const crashTimes = new Map<string, Set<number>>();
  const model = faultModel(b);
  const addCrash = (node: string, time: number) => {
    if (!model.searches('crash') || !model.isNode(node) || !model.canCrashAt(time)) return;
    let s = crashTimes.get(node);
    if (!s) crashTimes.set(node, (s = new Set()));
    s.add(time);
  };
  g.forEachNode((_k, v) => {
    switch (v.kind) {
      case 'message':
      case 'lost':
        if (model.searches('omit') && model.canLoseOn(v.from, v.to, v.sendTime)) {
          const f: Fault = { kind: 'omit', from: v.from, to: v.to, time: v.sendTime };
          omissions.set(faultKey(f), f);
        }
        addCrash(v.from, v.sendTime);
        break;
      case 'crash':
        // A crash at any time is one of the crash times the node's sends give.
        if (v.time !== undefined) addCrash(v.node, v.time);
        break;
      case 'no-crash':
        for (const n of v.node === undefined ? b.nodes : [v.node]) addCrash(n, v.time ?? v.until ?? b.eot);
        break;
    }
  });
  const crashes: Fault[] = [];
  for (const [node, times] of crashTimes) for (const time of times) crashes.push({ kind: 'crash', node, time });
  return [...crashes, ...omissions.values()];
}
