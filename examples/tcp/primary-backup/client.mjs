// The client of the primary-backup store (Node): each stdin line "key=value" is a write, sent to the
// primary as "put key=value"; an "ack key=value" from the primary is an acknowledged write, written
// as the output {"acked": "key=value"}.
import net from 'node:net';
import readline from 'node:readline';

const peer = process.env.LDFI_PEER_PRIMARY;
const host = peer.slice(0, peer.lastIndexOf(':')).replace(/^\[|\]$/g, '');
const port = Number(peer.slice(peer.lastIndexOf(':') + 1));
let socket = null;

function connect() {
  socket = net.connect(port, host);
  socket.setNoDelay(true);
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (let i; (i = buffer.indexOf('\n')) >= 0; ) {
      const [kind, write] = buffer.slice(0, i).split(' ');
      buffer = buffer.slice(i + 1);
      if (kind === 'ack') console.log(`OUT ${JSON.stringify({ acked: write })}`);
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    socket = null;
  });
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.startsWith('tick ')) return;
  if (!socket) connect();
  socket.write(`put ${line}\n`);
});
console.log('READY');
