// The source of the double-and-halve pipeline (Node): each line on stdin is an item, sent to the
// doubler as "<seq> <value>". With RECOVERY=1 it keeps what the doubler has not acknowledged and sends
// it again every second round (on "tick" lines); without, what a lost message or a dropped
// connection takes is gone.
import net from 'node:net';
import readline from 'node:readline';

const RECOVERY = process.env.RECOVERY === '1';
const RESEND_EVERY = 2; // rounds
const peer = process.env.LDFI_PEER_DOUBLER;
const host = peer.slice(0, peer.lastIndexOf(':')).replace(/^\[|\]$/g, '');
const port = peer.slice(peer.lastIndexOf(':') + 1);
const unacked = new Map(); // seq -> value
let socket = null;
let seq = 0;

function connect() {
  socket = net.connect(Number(port), host);
  socket.setNoDelay(true);
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (let i; (i = buffer.indexOf('\n')) >= 0; ) {
      const [kind, s] = buffer.slice(0, i).split(' ');
      buffer = buffer.slice(i + 1);
      if (kind === 'ack') unacked.delete(Number(s));
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    socket = null;
  });
}

function send(s, value) {
  if (!socket) connect();
  socket.write(`${s} ${value}\n`);
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.startsWith('tick ')) {
    if (RECOVERY && Number(line.slice(5)) % RESEND_EVERY === 0) for (const [s, v] of unacked) send(s, v);
    return;
  }
  seq += 1;
  if (RECOVERY) unacked.set(seq, line);
  send(seq, line);
});
console.log('READY');
