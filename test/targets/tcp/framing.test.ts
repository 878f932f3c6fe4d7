import { describe, expect, it } from 'vitest';
import { FrameDecoder, framePayload, MAX_FRAME } from '../../../src/targets/tcp/framing.ts';

const lengthPrefixed = (...payloads: string[]) =>
  Buffer.concat(
    payloads.map((p) => {
      const b = Buffer.from(p);
      const h = Buffer.alloc(4);
      h.writeUInt32BE(b.length);
      return Buffer.concat([h, b]);
    }),
  );

/** Feeds `wire` in the given chunk sizes and returns the payloads decoded, as text. */
function decode(framing: 'lines' | 'length-prefixed', wire: Buffer, sizes: (i: number) => number): string[] {
  const d = new FrameDecoder(framing);
  const out: string[] = [];
  for (let at = 0, i = 0; at < wire.length; i++) {
    const n = Math.max(1, sizes(i));
    for (const f of d.push(wire.subarray(at, at + n))) out.push(framePayload(f, framing).toString());
    at += n;
  }
  expect(d.pending).toBe(0);
  return out;
}

describe('framing', () => {
  for (const [framing, wire] of [
    ['lines', Buffer.from('one\ntwo two\n\nthree\n')],
    ['length-prefixed', lengthPrefixed('one', 'two two', '', 'three')],
  ] as const) {
    it(`${framing}: the same messages whether the stream comes a byte at a time, in odd chunks or all at once`, () => {
      const expected = ['one', 'two two', '', 'three'];
      expect(decode(framing, wire, () => 1)).toEqual(expected);
      expect(decode(framing, wire, (i) => [3, 7, 2, 5][i % 4])).toEqual(expected);
      expect(decode(framing, wire, () => wire.length)).toEqual(expected);
    });
  }

  it('keeps an incomplete frame for the next chunk', () => {
    const d = new FrameDecoder('length-prefixed');
    expect(d.push(lengthPrefixed('hello').subarray(0, 6))).toEqual([]);
    expect(d.pending).toBe(6);
  });

  it('refuses a length prefix beyond the maximum (a stream that is not length-prefixed)', () => {
    const h = Buffer.alloc(4);
    h.writeUInt32BE(MAX_FRAME + 1);
    expect(() => new FrameDecoder('length-prefixed').push(h)).toThrow(/beyond the .*maximum \(is the link really length-prefixed\?\)/);
  });
});
