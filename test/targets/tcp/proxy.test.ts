import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFaults } from '../../../src/injector/text.ts';
import { TcpTarget } from '../../../src/targets/tcp/target.ts';
import { liveProcesses } from '../../../src/targets/tcp/processes.ts';
import { REPO } from '../../helpers/cli.ts';
import { ms } from '../../helpers/time.ts';

const dir = mkdtempSync(join(tmpdir(), 'ldfi-proxy-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A writer that sends three messages on input: the first a byte at a time (a TCP segment each), the
// other two in one write; a reader that outputs each message it gets. Both frame as told by FRAMING.
writeFileSync(
  join(dir, 'writer.mjs'),
  `import net from 'node:net';
import readline from 'node:readline';
const lp = process.env.FRAMING === 'length-prefixed';
const frame = (s) => { if (!lp) return Buffer.from(s + '\\n'); const b = Buffer.from(s); const h = Buffer.alloc(4); h.writeUInt32BE(b.length); return Buffer.concat([h, b]); };
const [host, port] = process.env.LDFI_PEER_READER.split(':');
const sock = net.connect(Number(port), host); sock.setNoDelay(true); sock.on('error', () => {});
readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line !== 'go') return;
  const first = frame('alpha');
  for (const byte of first) { sock.write(Buffer.from([byte])); await new Promise((r) => setTimeout(r, 1)); }
  sock.write(Buffer.concat([frame('beta'), frame('gamma')]));
});
console.log('READY');
`,
);
writeFileSync(
  join(dir, 'reader.mjs'),
  `import net from 'node:net';
const lp = process.env.FRAMING === 'length-prefixed';
net.createServer((s) => {
  let buf = Buffer.alloc(0);
  s.on('error', () => {});
  s.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      if (lp) { if (buf.length < 4 || buf.length < 4 + buf.readUInt32BE(0)) break; const n = buf.readUInt32BE(0); console.log('OUT ' + JSON.stringify(buf.subarray(4, 4 + n).toString())); buf = buf.subarray(4 + n); }
      else { const i = buf.indexOf(10); if (i < 0) break; console.log('OUT ' + JSON.stringify(buf.subarray(0, i).toString())); buf = buf.subarray(i + 1); }
    }
  });
}).listen(Number(process.env.LDFI_PORT), '127.0.0.1', () => console.log('READY'));
`,
);

const system = (framing: 'lines' | 'length-prefixed') => {
  const file = join(dir, `${framing}.tcp.ts`);
  writeFileSync(
    file,
    `import { defineSystem } from '${REPO}/src/targets/tcp/api.ts';
export default defineSystem({
  name: 'chunks-${framing}',
  nodes: {
    writer: { command: 'node', args: ['writer.mjs'], env: { FRAMING: '${framing}' }, readyLine: 'READY' },
    // No readyLine: ready when its port accepts connections.
    reader: { command: 'node', args: ['reader.mjs'], env: { FRAMING: '${framing}' } },
  },
  links: [['writer', 'reader']],
  // Per link for the length prefix, for the whole system for lines: both forms are read.
  framing: ${framing === 'lines' ? `'lines'` : `{ 'writer->reader': 'length-prefixed' }`},
  workload: [{ at: 1, node: 'writer', value: 'go' }],
  invariants: [(run) => (run.outputs.length === 3 ? [] : ['the reader did not get three messages'])],
  defaults: { eot: 4, eff: 3, crashes: 0 },
});
`,
  );
  return TcpTarget.open(file);
};

describe('Spike, the tcp proxy', () => {
  for (const framing of ['lines', 'length-prefixed'] as const) {
    it(`${framing}: whole messages however TCP splits or merges them, and faults apply to whole messages`, async () => {
      const t = await system(framing);
      const exec = await t.execute([]);
      expect(exec.messages.map((m) => [m.ref.from, m.ref.to, m.ref.sentAt, m.ref.payload, m.status])).toEqual([
        ['writer', 'reader', 1, 'alpha', 'delivered'],
        ['writer', 'reader', 1, 'beta', 'delivered'],
        ['writer', 'reader', 1, 'gamma', 'delivered'],
      ]);
      expect(exec.outputs.map((o) => [o.node, o.at, o.value])).toEqual([
        ['reader', 2, 'alpha'],
        ['reader', 2, 'beta'],
        ['reader', 2, 'gamma'],
      ]);
      // An omission of round 1 on the link drops the three messages, not a part of one.
      const lost = await t.run(parseFaults('omit writer→reader @1'), { lineage: false });
      expect(lost.messages.map((m) => m.status)).toEqual(['omitted', 'omitted', 'omitted']);
      expect(lost.violations.map((v) => v.message)).toEqual(['the reader did not get three messages']);
      expect(liveProcesses()).toBe(0);
    });
  }
});

describe('a system that does not settle, or is given as JSON', () => {
  it('a process that never goes quiet: every round ends at its timeout, the run ends at EOT, and the run is reported as not fully checked', async () => {
    writeFileSync(
      join(dir, 'chatty.mjs'),
      `import net from 'node:net';
const [host, port] = process.env.LDFI_PEER_QUIET.split(':');
const s = net.connect(Number(port), host); s.on('error', () => {});
setInterval(() => s.write('chatter\\n'), 2);
console.log('READY');
`,
    );
    writeFileSync(join(dir, 'quiet.mjs'), `import net from 'node:net';\nnet.createServer((s) => s.on('error', () => {}).resume()).listen(Number(process.env.LDFI_PORT), process.env.LDFI_HOST, () => console.log('READY'));\n`);
    const file = join(dir, 'chatty.tcp.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'chatty',
        nodes: { chatty: { command: 'node', args: ['chatty.mjs'], readyLine: 'READY' }, quiet: { command: 'node', args: ['quiet.mjs'], readyLine: 'READY' } },
        links: [['chatty', 'quiet']],
        workload: [],
        expectOutputs: [],
        roundTimeoutMs: 150,
        defaults: { eot: 2, eff: 1, crashes: 0 },
      }),
    );
    const t = await TcpTarget.open(file);
    const started = Date.now();
    const r = await t.run([], { lineage: false });
    // Ended by its round timeouts, not hung (a hang guard, scaled on a slow machine).
    expect(Date.now() - started).toBeLessThan(ms(60_000));
    expect(r.unknown?.length).toBeGreaterThanOrEqual(2);
    expect(r.unknown![0]).toMatch(/^round \d+ ended by its 150 ms timeout, not by quiet \(a process kept writing\)/);
    expect(liveProcesses()).toBe(0);
  });

  it('a JSON system with expectOutputs as data runs like its TypeScript twin', async () => {
    const file = join(dir, 'double-halve.tcp.json');
    const example = join(REPO, 'examples/tcp/double-halve');
    const env = { RECOVERY: '0' };
    writeFileSync(
      file,
      JSON.stringify({
        name: 'double-halve-json',
        nodes: {
          source: { command: 'node', args: ['source.mjs'], cwd: example, env, readyLine: 'READY' },
          doubler: { command: process.env.PYTHON ?? 'python3', args: ['stage.py', 'double', 'halver'], cwd: example, env, readyLine: 'READY' },
          halver: { command: process.env.PYTHON ?? 'python3', args: ['stage.py', 'halve', 'sink'], cwd: example, env, readyLine: 'READY' },
          sink: { command: 'node', args: ['sink.mjs'], cwd: example, env, readyLine: 'READY' },
        },
        links: [['source', 'doubler'], ['doubler', 'halver'], ['halver', 'sink']],
        ticks: true,
        workload: [{ at: 1, node: 'source', value: 1 }, { at: 2, node: 'source', value: 2 }],
        expectOutputs: [{ from: 'source', to: 'sink', multiply: 1 }],
        defaults: { eot: 8, eff: 4, crashes: 0 },
      }),
    );
    const json = await (await TcpTarget.open(file)).run(parseFaults('omit doubler→halver @3'), { lineage: false });
    const ts = await (await TcpTarget.open(join(REPO, 'examples/tcp/double-halve/ldfi.tcp.ts'), { eot: 8 })).run(parseFaults('omit doubler→halver @3'), { lineage: false });
    expect(json.violations).toEqual(ts.violations);
    expect(json.violations.length).toBe(1);
  });
});

describe('the rest of the fault vocabulary on real processes', () => {
  it('delay holds a round’s messages for N more rounds; a partition resets the connection', async () => {
    const t = await system('lines');
    const delayed = await t.execute(parseFaults('delay writer→reader @1 by 2'));
    expect(delayed.messages.map((m) => [m.ref.payload, m.status, m.deliverAt])).toEqual([
      ['alpha', 'delivered', 4],
      ['beta', 'delivered', 4],
      ['gamma', 'delivered', 4],
    ]);
    expect(delayed.outputs.map((o) => o.at)).toEqual([4, 4, 4]);
    // The partition resets the writer's connection as round 1 begins and refuses it until round 2:
    // this writer does not reconnect, so nothing it writes reaches Spike or the reader.
    const cut = await t.execute(parseFaults('partition {writer}|{reader} @1..1'));
    expect(cut.messages).toEqual([]);
    expect(cut.outputs).toEqual([]);
    expect(cut.audit.entries.filter((e) => e.kind === 'fault').map((e) => `${e.t} ${e.what}`)).toEqual([
      '1 disconnect writer→reader',
      '1 disconnect reader→writer',
      '2 reconnect writer→reader',
      '2 reconnect reader→writer',
    ]);
    expect(liveProcesses()).toBe(0);
  });

  it('restart runs the command again after the window; what the process wrote to LDFI_DATA stays', async () => {
    writeFileSync(
      join(dir, 'keeper.mjs'),
      `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import readline from 'node:readline';
const file = process.env.LDFI_DATA + '/count';
let count = existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
console.log('READY');
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.startsWith('tick')) return;
  count += 1;
  writeFileSync(file, String(count));
  console.log('OUT ' + count);
});
`,
    );
    const file = join(dir, 'keeper.tcp.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'keeper',
        nodes: { keeper: { command: 'node', args: ['keeper.mjs'], readyLine: 'READY' }, other: { command: 'node', args: ['keeper.mjs'], readyLine: 'READY' } },
        links: [['keeper', 'other']],
        workload: [
          { at: 1, node: 'keeper', value: 'add' },
          { at: 2, node: 'keeper', value: 'add' },
          { at: 4, node: 'keeper', value: 'add' },
        ],
        expectOutputs: [],
        defaults: { eot: 5, eff: 1, crashes: 1 },
      }),
    );
    const t = await TcpTarget.open(file);
    const exec = await t.execute(parseFaults('restart keeper @2..3'));
    // Input 2 arrives while it is down; after the restart it counts on from what it had written.
    expect(exec.outputs.map((o) => [o.at, o.value])).toEqual([
      [1, 1],
      [4, 2],
    ]);
    expect(exec.events.filter((e) => e.e === 'down' || e.e === 'up').map((e) => `${e.t} ${e.e}`)).toEqual(['2 down', '4 up']);
    expect(liveProcesses()).toBe(0);
  });
});

describe('outputs on a sink port', () => {
  it('lines a process writes to LDFI_OUTPUT are its outputs, as stdout lines with the prefix are', async () => {
    writeFileSync(
      join(dir, 'sinker.mjs'),
      `import net from 'node:net';
import readline from 'node:readline';
const [host, port] = process.env.LDFI_OUTPUT.split(':');
const out = net.connect(Number(port), host);
console.log('READY');
readline.createInterface({ input: process.stdin }).on('line', (line) => out.write(JSON.stringify({ got: line }) + '\\n'));
`,
    );
    const file = join(dir, 'sinker.tcp.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'sinker',
        nodes: { sinker: { command: 'node', args: ['sinker.mjs'], readyLine: 'READY' }, peer: { command: 'node', args: ['sinker.mjs'], readyLine: 'READY' } },
        links: [['sinker', 'peer']],
        workload: [{ at: 1, node: 'sinker', value: 'hello' }],
        expectOutputs: [],
        defaults: { eot: 2, eff: 1, crashes: 0 },
      }),
    );
    const exec = await (await TcpTarget.open(file)).execute([]);
    expect(exec.outputs.map((o) => [o.node, o.at, o.value])).toEqual([['sinker', 1, { got: 'hello' }]]);
    expect(liveProcesses()).toBe(0);
  });
});

describe('trace ids', () => {
  it("reads W3C trace context ('traceparent'), OpenTelemetry's log correlation and patterns with a group, and refuses one without", async () => {
    const { traceReader } = await import('../../../src/targets/tcp/trace-id.ts');
    const w3c = traceReader('traceparent')!;
    expect(w3c('{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01","v":1}')).toEqual({ trace: '4bf92f3577b34da6a3ce929d0e0e4736', span: '00f067aa0ba902b7' });
    expect(w3c('POST / HTTP/1.1\r\ntraceparent: 00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01\r\n\r\n')).toEqual({ trace: '0af7651916cd43dd8448eb211c80319c', span: 'b7ad6b7169203331' });
    // An output line with OpenTelemetry's log correlation fields, with or without the span.
    expect(w3c('{"op":"charged","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}')).toEqual({ trace: '4bf92f3577b34da6a3ce929d0e0e4736', span: '00f067aa0ba902b7' });
    expect(w3c('charged traceId=4bf92f3577b34da6a3ce929d0e0e4736')).toEqual({ trace: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(w3c('{"v":1}')).toBeUndefined();
    expect(traceReader('^(\\d+) ')!('12 hello')).toEqual({ trace: '12' });
    expect(() => traceReader('seq=\\d+')).toThrow(/needs a group/);
    expect(() => traceReader('(')).toThrow(/not a regular expression/);
  });
});
