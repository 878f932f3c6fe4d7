// A sender of the trade-acceptance system (Node): the feed (STREAM=price) or the gateway
// (STREAM=trade). Each stdin line that is not a tick is an input (JSON), sent to the desk as
// "price <seq> <px>" or "trade <seq> <id> <px>" and kept until the desk answers "ack <stream> <seq>";
// what is unacknowledged goes again RESEND_AFTER rounds after it last went (on "tick" lines). What is
// unacknowledged is kept in LDFI_DATA, so a restarted sender still sends it.
import net from 'node:net';
import readline from 'node:readline';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STREAM = process.env.STREAM;
// A round trip is two rounds, and a tick comes before the round's deliveries: three rounds.
const RESEND_AFTER = 3;
const peer = process.env.LDFI_PEER_DESK;
const host = peer.slice(0, peer.lastIndexOf(':')).replace(/^\[|\]$/g, '');
const port = Number(peer.slice(peer.lastIndexOf(':') + 1));
const file = join(process.env.LDFI_DATA, 'unacked.json');
const saved = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { seq: 0, unacked: [] };
let seq = saved.seq;
const unacked = new Map(saved.unacked); // seq -> { line, sentAt }
let round = 0;
let socket = null;

function save() {
  writeFileSync(`${file}.tmp`, JSON.stringify({ seq, unacked: [...unacked] }));
  renameSync(`${file}.tmp`, file);
}

function connect() {
  const s = net.connect(port, host);
  s.setNoDelay(true);
  let buffer = '';
  s.on('data', (chunk) => {
    buffer += chunk;
    for (let i; (i = buffer.indexOf('\n')) >= 0; ) {
      const [kind, stream, n] = buffer.slice(0, i).split(' ');
      buffer = buffer.slice(i + 1);
      if (kind === 'ack' && stream === STREAM && unacked.delete(Number(n))) save();
    }
  });
  s.on('error', () => {});
  s.on('close', () => {
    if (socket === s) socket = null;
  });
  return s;
}

function send(n) {
  const entry = unacked.get(n);
  entry.sentAt = round;
  socket ??= connect();
  socket.write(`${entry.line}\n`);
}

readline.createInterface({ input: process.stdin }).on('line', (text) => {
  if (text.startsWith('tick ')) {
    round = Number(text.slice(5));
    for (const [n, entry] of unacked) if (round - entry.sentAt >= RESEND_AFTER) send(n);
    return;
  }
  const v = JSON.parse(text);
  seq += 1;
  unacked.set(seq, { line: STREAM === 'price' ? `price ${seq} ${v.px}` : `trade ${seq} ${v.id} ${v.px}`, sentAt: round });
  save();
  send(seq);
});
console.log('READY');
