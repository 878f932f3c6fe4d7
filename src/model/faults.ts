/**
 * The fault vocabulary shared by every target. A fault is plain data; `src/injector/` validates and
 * prints it, targets apply it. Times are logical steps (Dedalus) or virtual milliseconds (sim).
 */
export type Fault =
  /** Every message on the channel from→to sent at `time` is lost. */
  | { kind: 'omit'; from: string; to: string; time: number }
  /** From `time` on, the node sends nothing (it still receives and computes locally, as in Molly). */
  | { kind: 'crash'; node: string; time: number };

export type FaultKind = Fault['kind'];

/** A fault schedule: the faults of one run, in canonical order. */
export type FaultSet = readonly Fault[];

const kindOrder: Record<FaultKind, number> = { crash: 0, omit: 1 };

export function compareFaults(a: Fault, b: Fault): number {
  if (a.kind !== b.kind) return kindOrder[a.kind] - kindOrder[b.kind];
  if (a.time !== b.time) return a.time - b.time;
  return faultKey(a) < faultKey(b) ? -1 : faultKey(a) > faultKey(b) ? 1 : 0;
}

/** A stable identity for a fault, used as a solver variable name and as a map key. */
export function faultKey(f: Fault): string {
  switch (f.kind) {
    case 'omit':
      return `omit:${f.from}:${f.to}:${f.time}`;
    case 'crash':
      return `crash:${f.node}:${f.time}`;
  }
}

export function canonicalFaults(faults: Iterable<Fault>): Fault[] {
  const byKey = new Map<string, Fault>();
  for (const f of faults) byKey.set(faultKey(f), f);
  return [...byKey.values()].sort(compareFaults);
}

export function faultSetKey(faults: FaultSet): string {
  return canonicalFaults(faults).map(faultKey).join('|');
}
