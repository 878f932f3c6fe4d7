// The receiver of the exactly-once pair (Node): outputs each item ("OUT <value>") the first time its
// sequence number arrives, and acknowledges what it received at its next tick, in one batch.
//
// The sequence numbers it has seen are its deduplication table. With DURABLE=1 it writes the table to
// its data folder (LDFI_DATA, kept across a restart) before it outputs; without, the table lives in
// memory only, and a restart between an output and its acknowledgement forgets it: the sender sends
// the item again, and it comes out twice.
import net from 'node:net';
import readline from 'node:readline';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DURABLE = process.env.DURABLE === '1';
const table = join(process.env.LDFI_DATA, 'seen.json');
const seen = new Set(DURABLE && existsSync(table) ? JSON.parse(readFileSync(table, 'utf8')) : []);
const toAck = []; // [socket, seq]

function remember(n) {
  seen.add(n);
  if (!DURABLE) return;
  writeFileSync(`${table}.tmp`, JSON.stringify([...seen]));
  renameSync(`${table}.tmp`, table);
}

net
  .createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => {});
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (let i; (i = buffer.indexOf('\n')) >= 0; ) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        const [n, value] = line.split(' ');
        toAck.push([socket, n]);
        if (seen.has(n)) continue;
        remember(n);
        console.log(`OUT ${value}`);
      }
    });
  })
  .listen(Number(process.env.LDFI_PORT), process.env.LDFI_HOST, () => console.log('READY'));

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (!line.startsWith('tick ')) return;
  for (const [socket, n] of toAck.splice(0)) if (!socket.destroyed) socket.write(`ack ${n}\n`);
});
