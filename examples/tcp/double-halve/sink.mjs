// The sink of the double-and-halve pipeline (Node): writes each item it receives as an output line
// "OUT <value>". With RECOVERY=1 it acknowledges every item and outputs each sequence number once.
import net from 'node:net';

const RECOVERY = process.env.RECOVERY === '1';
const seen = new Set();

net
  .createServer((socket) => {
    socket.setNoDelay(true);
    let buffer = '';
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (let i; (i = buffer.indexOf('\n')) >= 0; ) {
        const [seq, value] = buffer.slice(0, i).split(' ');
        buffer = buffer.slice(i + 1);
        if (RECOVERY) {
          socket.write(`ack ${seq}\n`);
          if (seen.has(seq)) continue;
          seen.add(seq);
        }
        console.log(`OUT ${value}`);
      }
    });
  })
  .listen(Number(process.env.LDFI_PORT), process.env.LDFI_HOST, () => console.log('READY'));
