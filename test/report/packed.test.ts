import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { reportDetails } from '../../src/report/details.ts';
import { describe, expect, it } from 'vitest';
import { openTarget } from '../../src/index.ts';
import type { MessageRecord } from '../../src/model/target.ts';
import { renderHtmlReport } from '../../src/report/html/page.ts';
import type { PageData } from '../../src/report/html/page-data.ts';
import { toJsonReport } from '../../src/report/json.ts';
import { search } from '../../src/search/index.ts';
import { RunPacker, unpackMessages } from '../../src/search/packed.ts';
import { schemaErrors } from '../helpers/report-schema.ts';
import { BUNDLE_FILE, bundledClientModule } from '../../scripts/bundle-client.ts';

const message: fc.Arbitrary<MessageRecord> = fc.record(
  {
    from: fc.string(),
    to: fc.string(),
    sendTime: fc.nat(),
    deliverTime: fc.nat(),
    content: fc.string(),
    status: fc.constantFrom('delivered', 'omitted', 'sender-crashed', 'receiver-down', 'in-flight'),
    reason: fc.string(),
  },
  { requiredKeys: ['from', 'to', 'sendTime', 'deliverTime', 'content', 'status'] },
);

describe('packed runs (the messages a page draws on demand)', () => {
  it('unpack to the messages packed, run by run', () => {
    fc.assert(
      fc.property(fc.array(fc.array(message, { maxLength: 8 }), { maxLength: 6 }), (runs) => {
        const packer = new RunPacker();
        runs.forEach((m, i) => expect(packer.add(i + 1, m)).toBe(true));
        const { strings, runs: packed } = packer.result();
        expect(packed.map((r) => unpackMessages(strings, r.messages))).toEqual(runs);
      }),
      { numRuns: 200 },
    );
  });

  it('stop at their message limit, and reject data that is not a packing', () => {
    const m: MessageRecord = { from: 'a', to: 'b', sendTime: 1, deliverTime: 2, content: 'x', status: 'delivered' };
    const packer = new RunPacker(3);
    expect(packer.add(1, [m, m])).toBe(true);
    expect(packer.add(2, [m, m])).toBe(false);
    expect(packer.add(3, [m])).toBe(true);
    expect(packer.result().runs.map((r) => r.index)).toEqual([1, 3]);
    expect(() => unpackMessages(['a'], [0, 0, 1, 2, 0, 0])).toThrow(/multiple of 7/);
    expect(() => unpackMessages(['a'], [0, 0, 1, 2, 0, 9, -1])).toThrow(/no status 9/);
    expect(() => unpackMessages(['a'], [0, 5, 1, 2, 0, 0, -1])).toThrow(/no string 5/);
  });

  it('of a 2,000+-run search: every run has a diagram, and each packed run is what replaying its faults gives', async () => {
    const target = await openTarget(['examples/sim/failure-detector-eventual.ts'], {});
    const result = await search(target, { seed: '1' });
    const details = reportDetails(result);
    const drawn = new Set(details.runs.map((d) => d.runIndex));
    const packed = details.packed!;
    expect(packed.runs.length).toBeGreaterThan(1000);
    expect(result.runs.filter((r) => !drawn.has(r.index) && !packed.runs.some((p) => p.index === r.index))).toEqual([]);
    for (const p of packed.runs) {
      const replayed = await target.run(result.runs[p.index - 1].faults, { lineage: false });
      expect(unpackMessages(packed.strings, p.messages)).toEqual(replayed.messages);
    }
    // The JSON report carries them (as its schema says); the page, gzipped, with each run's faults and violations.
    const report = toJsonReport(result);
    expect(schemaErrors(JSON.parse(JSON.stringify(report)))).toEqual([]);
    const page = renderHtmlReport(report);
    const data = JSON.parse(gunzipSync(Buffer.from(/<script id="ldfi-data" type="application\/octet-stream">([^<]*)<\/script>/.exec(page)![1], 'base64')).toString()) as PageData;
    expect(data.runs.map((r) => r.index)).toEqual(packed.runs.map((r) => r.index));
    for (const r of data.runs) expect(r.faultList).toEqual(result.runs[r.index - 1].faults);
    expect(data.rows.map((r) => r.index)).toEqual(result.runs.slice(2000).map((r) => r.index));
  });

  it("the page's script is bundled from the sources as they are (npm run bundle-client)", async () => {
    expect(readFileSync(BUNDLE_FILE, 'utf8')).toBe(await bundledClientModule());
  });
});
