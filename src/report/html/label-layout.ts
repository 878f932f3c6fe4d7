/** An axis-aligned box, in SVG user units. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Width of a label in the diagram's monospace font (11 px: 0.6 em per character) with its padding. */
export function labelWidth(text: string): number {
  return text.length * 6.6 + 6;
}

export const LABEL_HEIGHT = 14;

/** Where along its arrow a label may sit, tried in this order: the middle first, where arrows that fan out from one point have parted. */
const FRACTIONS = [0.5, 0.35, 0.65, 0.25, 0.75, 0.15, 0.85];
const CELL = 64;

/**
 * Places labels on their arrows without overlap: each label, in the order given (the most important
 * first), takes the first position along its arrow where its box meets no box already placed (nor the
 * reserved ones: node names); a label with no free position is left out (`undefined`), and the page
 * lists every message in full under the diagram. A grid of cells keeps this linear in the labels.
 */
export function placeLabels(
  arrows: readonly { x1: number; y1: number; x2: number; y2: number; width: number }[],
  reserved: readonly Box[] = [],
): (Box | undefined)[] {
  const grid = new Map<string, Box[]>();
  const cells = (b: Box) => {
    const out: string[] = [];
    for (let cx = Math.floor(b.x / CELL); cx <= Math.floor((b.x + b.w) / CELL); cx++) {
      for (let cy = Math.floor(b.y / CELL); cy <= Math.floor((b.y + b.h) / CELL); cy++) out.push(`${cx},${cy}`);
    }
    return out;
  };
  const add = (b: Box) => {
    for (const c of cells(b)) (grid.get(c) ?? grid.set(c, []).get(c)!).push(b);
  };
  const free = (b: Box) => cells(b).every((c) => (grid.get(c) ?? []).every((o) => !overlaps(o, b)));
  for (const b of reserved) add(b);
  return arrows.map((a) => {
    for (const f of FRACTIONS) {
      const cx = a.x1 + (a.x2 - a.x1) * f;
      const cy = a.y1 + (a.y2 - a.y1) * f;
      const box = { x: cx - a.width / 2, y: cy - LABEL_HEIGHT / 2, w: a.width, h: LABEL_HEIGHT };
      if (free(box)) {
        add(box);
        return box;
      }
    }
    return undefined;
  });
}

export function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}
