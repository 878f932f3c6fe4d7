// The sender of the exactly-once pair (Node): each stdin line that is not a tick is an item, sent to
// the receiver as "<seq> <value>" and kept until the receiver acknowledges it ("ack <seq>"); what is
// unacknowledged goes again every second round (on "tick" lines), over a new connection if the old
// one was reset.
import net from 'node:net';
import readline from 'node:readline';

const RESEND_EVERY = 2; // rounds
const peer = process.env.LDFI_PEER_RECEIVER;
const host = peer.slice(0, peer.lastIndexOf(':')).replace(/^\[|\]$/g, '');
const port = Number(peer.slice(peer.lastIndexOf(':') + 1));
const unacked = new Map(); // seq -> value
let socket = null;
let seq = 0;

function connect() {
  const s = net.connect(port, host);
  s.setNoDelay(true);
  let buffer = '';
  s.on('data', (chunk) => {
    buffer += chunk;
    for (let i; (i = buffer.indexOf('\n')) >= 0; ) {
      const [kind, n] = buffer.slice(0, i).split(' ');
      buffer = buffer.slice(i + 1);
      if (kind === 'ack') unacked.delete(Number(n));
    }
  });
  s.on('error', () => {});
  s.on('close', () => {
    if (socket === s) socket = null;
  });
  return s;
}

function send(n, value) {
  socket ??= connect();
  socket.write(`${n} ${value}\n`);
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.startsWith('tick ')) {
    if (Number(line.slice(5)) % RESEND_EVERY === 0) for (const [n, v] of unacked) send(n, v);
    return;
  }
  seq += 1;
  unacked.set(seq, line);
  send(seq, line);
});
console.log('READY');
