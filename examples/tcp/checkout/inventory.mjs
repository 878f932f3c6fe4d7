// The inventory service (Node's http server): POST /reserve {order, item, qty} takes qty of the item
// from stock once per order (a repeated reservation of an order is answered as the first was). Each
// decision is an output, with the trace of the request that made it (log correlation).
import http from 'node:http';

const stock = new Map([
  ['book', 5],
  ['lamp', 1],
]);
const reservations = new Map(); // order -> answer

http
  .createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      const { order, item, qty } = JSON.parse(text);
      let answer = reservations.get(order);
      if (!answer) {
        const left = stock.get(item) ?? 0;
        answer = left >= qty ? { reserved: true, left: left - qty } : { reserved: false, left };
        if (answer.reserved) stock.set(item, left - qty);
        reservations.set(order, answer);
        const trace = /^00-([0-9a-f]{32})-([0-9a-f]{16})-/.exec(req.headers.traceparent ?? '');
        console.log(`OUT ${JSON.stringify({ op: 'reserve', order, ok: answer.reserved, ...(trace ? { trace_id: trace[1], span_id: trace[2] } : {}) })}`);
      }
      const body = JSON.stringify(answer);
      res.writeHead(answer.reserved ? 200 : 409, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  })
  .listen(Number(process.env.LDFI_PORT), process.env.LDFI_HOST, () => console.log('READY')).keepAliveTimeout = 0;
