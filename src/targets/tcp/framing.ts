import { HttpFrameParser, httpPrefix } from './http-frames.ts';

/**
 * Message framing on a TCP byte stream, so that Spike applies faults to whole messages and sees the
 * same sequence of messages however TCP splits or merges segments.
 * - `lines`: each message ends with `\n` (the newline is part of the frame).
 * - `length-prefixed`: a 4-byte big-endian length, then that many bytes.
 * - `http`: HTTP/1.1 requests (from the connecting side) and responses (from the accepting side),
 *   keep-alive and chunked bodies included (`http-frames.ts`).
 */
export type Framing = 'lines' | 'length-prefixed' | 'http';

export const FRAMINGS: readonly Framing[] = ['lines', 'length-prefixed', 'http'];

/** Largest length-prefixed frame accepted (bytes); a larger prefix means the stream is not framed so. */
export const MAX_FRAME = 16 * 1024 * 1024;

/** Cuts a byte stream into whole frames; keeps the incomplete tail for the next chunk. */
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly http?: HttpFrameParser;

  /** `http`: which side of the connection this decoder reads, and the methods both sides share. */
  constructor(
    readonly framing: Framing,
    http?: { side: 'request' | 'response'; methods: string[] },
  ) {
    if (framing === 'http') this.http = new HttpFrameParser(http?.side ?? 'request', http?.methods ?? []);
  }

  /**
   * The frames completed by this chunk, each with its delimiter or prefix (as it goes on the wire);
   * `each` hears of each in order (HTTP: as it is cut, see `HttpFrameParser.push`). Throws on a
   * length beyond MAX_FRAME, or on what is not HTTP/1.1 as framed.
   */
  push(chunk: Buffer, each?: (frame: Buffer) => void): Buffer[] {
    if (this.http) return this.http.push(chunk, each);
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: Buffer[] = [];
    let start = 0;
    if (this.framing === 'lines') {
      for (;;) {
        const nl = this.buffer.indexOf(0x0a, start);
        if (nl < 0) break;
        frames.push(this.buffer.subarray(start, nl + 1));
        start = nl + 1;
      }
    } else {
      while (this.buffer.length - start >= 4) {
        const length = this.buffer.readUInt32BE(start);
        if (length > MAX_FRAME) throw new Error(`a length-prefixed frame of ${length} bytes is beyond the ${MAX_FRAME}-byte maximum (is the link really length-prefixed?)`);
        if (this.buffer.length - start - 4 < length) break;
        frames.push(this.buffer.subarray(start, start + 4 + length));
        start += 4 + length;
      }
    }
    this.buffer = Buffer.from(this.buffer.subarray(start));
    const copies = frames.map((f) => Buffer.from(f));
    if (each) for (const f of copies) each(f);
    return copies;
  }

  /** Bytes received that do not make a whole frame yet. */
  get pending(): number {
    return this.http ? this.http.pending : this.buffer.length;
  }
}

/** What arrives of a frame cut short by a reset: an HTTP message's head and half its body, else half its bytes. */
export function resetPrefix(frame: Buffer, framing: Framing): Buffer {
  return framing === 'http' ? httpPrefix(frame) : frame.subarray(0, Math.max(1, Math.floor(frame.length / 2)));
}

/** The payload of a frame, without delimiter or prefix (an HTTP message is its own payload). */
export function framePayload(frame: Buffer, framing: Framing): Buffer {
  if (framing === 'http') return frame;
  return framing === 'lines' ? frame.subarray(0, frame.length - 1) : frame.subarray(4);
}
