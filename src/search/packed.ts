import type { MessageRecord } from '../model/target.ts';

/**
 * Messages of the runs a report does not draw on the server, packed so that a page can still draw
 * any of them (in the browser, when its link is followed): every string once in `strings`, and each
 * message as `FIELDS` integers. A 20-message run is about 400 bytes of JSON, a few dozen gzipped.
 */
export interface PackedRuns {
  readonly strings: readonly string[];
  /** Per run: its number and its messages, `FIELDS` integers each (`packMessage`). */
  readonly runs: readonly { readonly index: number; readonly messages: readonly number[] }[];
}

/** Messages packed at most over all runs (each is 7 integers in memory): the rest have their replay line. */
export const PACKED_MESSAGES = 300_000;

const STATUSES: readonly MessageRecord['status'][] = ['delivered', 'omitted', 'sender-crashed', 'receiver-down', 'in-flight'];
const FIELDS = 7; // from, to, sendTime, deliverTime, content, status, reason (-1: none)

/** Packs runs as they are made, within `limit` messages over all of them. */
export class RunPacker {
  private readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly runs: { index: number; messages: number[] }[] = [];
  private count = 0;

  constructor(private readonly limit = PACKED_MESSAGES) {}

  /** Keeps the run's messages if they fit within the limit; false once they do not. */
  add(index: number, messages: readonly MessageRecord[]): boolean {
    if (this.count + messages.length > this.limit) return false;
    const packed: number[] = [];
    for (const m of messages) {
      packed.push(this.id(m.from), this.id(m.to), m.sendTime, m.deliverTime, this.id(m.content), STATUSES.indexOf(m.status), m.reason === undefined ? -1 : this.id(m.reason));
    }
    this.runs.push({ index, messages: packed });
    this.count += messages.length;
    return true;
  }

  get size(): number {
    return this.runs.length;
  }

  result(): PackedRuns {
    return { strings: this.strings, runs: this.runs };
  }

  private id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
}

/** The messages of one packed run. Throws on data that is not a packing (a hand-edited report). */
export function unpackMessages(strings: readonly string[], packed: readonly number[]): MessageRecord[] {
  if (packed.length % FIELDS !== 0) throw new Error(`packed messages: ${packed.length} integers is not a multiple of ${FIELDS}`);
  const str = (i: number) => {
    const s = strings[i];
    if (s === undefined) throw new Error(`packed messages: no string ${i}`);
    return s;
  };
  const out: MessageRecord[] = [];
  for (let i = 0; i < packed.length; i += FIELDS) {
    const status = STATUSES[packed[i + 5]];
    if (!status) throw new Error(`packed messages: no status ${packed[i + 5]}`);
    const reason = packed[i + 6];
    out.push({ from: str(packed[i]), to: str(packed[i + 1]), sendTime: packed[i + 2], deliverTime: packed[i + 3], content: str(packed[i + 4]), status, ...(reason >= 0 ? { reason: str(reason) } : {}) });
  }
  return out;
}
