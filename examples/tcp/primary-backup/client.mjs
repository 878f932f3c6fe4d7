// The client of the primary-backup store (Node): each stdin line "key=value" is a write, sent to the
// primary as "put key=value traceparent=00-<trace id>-<span id>-01" (W3C trace context, as an
// OpenTelemetry client would send it; the ids come from the write, so runs replay alike); an
// "ack key=value traceparent=…" from the primary is an acknowledged write, written as the output
// {"acked": "key=value", "traceparent": "…"}. ldfi reads the trace id (the system's traceId) to know
// that the output depends on that write's messages only.
import { createHash } from 'node:crypto';
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
      const [kind, write, trace] = buffer.slice(0, i).split(' ');
      buffer = buffer.slice(i + 1);
      if (kind === 'ack') console.log(`OUT ${JSON.stringify({ acked: write, traceparent: trace.slice('traceparent='.length) })}`);
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
  const hex = (what) => createHash('sha256').update(`${what}:${line}`).digest('hex');
  socket.write(`put ${line} traceparent=00-${hex('trace').slice(0, 32)}-${hex('span').slice(0, 16)}-01\n`);
});
console.log('READY');
