/** A binary min-heap of events ordered by (time, insertion order): deterministic for equal times. */
export class EventQueue<T> {
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  peekTime(): number {
    return this.times[0];
  }

  push(time: number, item: T): void {
    let i = this.items.length;
    this.times.push(time);
    this.seqs.push(this.nextSeq++);
    this.items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { time: number; item: T } {
    const time = this.times[0];
    const item = this.items[0];
    const last = this.items.length - 1;
    this.swap(0, last);
    this.times.pop();
    this.seqs.pop();
    this.items.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.items.length && this.less(l, m)) m = l;
      if (r < this.items.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return { time, item };
  }

  /** Every event due, in the order they will be handled (the queue is left as it is). */
  ordered(): { time: number; item: T }[] {
    const idx = this.items.map((_, i) => i).sort((a, b) => this.times[a] - this.times[b] || this.seqs[a] - this.seqs[b]);
    return idx.map((i) => ({ time: this.times[i], item: this.items[i] }));
  }

  private less(a: number, b: number): boolean {
    return this.times[a] < this.times[b] || (this.times[a] === this.times[b] && this.seqs[a] < this.seqs[b]);
  }

  private swap(a: number, b: number): void {
    const t = this.times[a];
    this.times[a] = this.times[b];
    this.times[b] = t;
    const s = this.seqs[a];
    this.seqs[a] = this.seqs[b];
    this.seqs[b] = s;
    const i = this.items[a];
    this.items[a] = this.items[b];
    this.items[b] = i;
  }
}
