// The checkout service (Node's own http client): each order on stdin reserves its items at the
// inventory service, then charges its amount at the payment service, and is confirmed (an output).
// Each call is retried, as the usual HTTP client wrapper does: after an error status (5xx), a broken
// connection, or no answer within TIMEOUT rounds (the request abandoned, its connection closed),
// backing off 1, 2, then 4 rounds (a retry at once would meet the same broken connection).
// With IDEMPOTENT=1 every attempt of a charge carries the order's Idempotency-Key, so the payment
// service can tell a retry from a new charge; without it, a charge whose answer was lost is charged again.
import { createHash } from 'node:crypto';
import http from 'node:http';
import readline from 'node:readline';

const TIMEOUT = 3; // rounds without an answer before an attempt is abandoned
const ATTEMPTS = 4;
const idempotent = process.env.IDEMPOTENT === '1';
const agent = new http.Agent({ keepAlive: true });
const waiting = new Set(); // attempts in flight: { sentAt, abandon }
const sleeping = []; // retries backing off: { until, wake }
let round = 0;

function peer(name) {
  const p = process.env[`LDFI_PEER_${name.toUpperCase()}`];
  return { host: p.slice(0, p.lastIndexOf(':')).replace(/^\[|\]$/g, ''), port: Number(p.slice(p.lastIndexOf(':') + 1)) };
}

// W3C trace context from the order id: ids that are the same in every run of a schedule.
const hex = (text, n) => createHash('sha256').update(text).digest('hex').slice(0, n);
const traceparent = (order, span) => `00-${hex(order, 32)}-${hex(`${order}/${span}`, 16)}-01`;

/** One attempt: resolves to { status, body } or to { error } (broken connection, no answer in time). */
function attempt(service, path, payload, headers) {
  return new Promise((resolve) => {
    const body = JSON.stringify(payload);
    const entry = { sentAt: round };
    const done = (result) => {
      if (!waiting.delete(entry)) return;
      resolve(result);
    };
    const req = http.request({ ...peer(service), agent, method: 'POST', path, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => done({ status: res.statusCode, body: text }));
      res.on('aborted', () => done({ error: 'response cut short' }));
      res.on('error', () => done({ error: 'response cut short' }));
    });
    req.on('error', (e) => done({ error: e.code ?? e.message }));
    entry.abandon = () => {
      done({ error: 'timeout' });
      req.destroy();
    };
    waiting.add(entry);
    req.end(body);
  });
}

/** A call with retries: the parsed answer of the first attempt that succeeds, or null after ATTEMPTS. */
async function call(service, path, payload, order, headers = {}) {
  for (let n = 1; n <= ATTEMPTS; n++) {
    if (n > 1) await new Promise((wake) => sleeping.push({ until: round + 2 ** (n - 2), wake }));
    const r = await attempt(service, path, payload, { ...headers, traceparent: traceparent(order, `${service}${path}#${n}`) });
    if (r.status !== undefined && r.status < 500) {
      try {
        return { status: r.status, ...JSON.parse(r.body) };
      } catch {
        // An answer that is not JSON is as good as none.
      }
    }
  }
  return null;
}

async function checkout(order) {
  const reserved = await call('inventory', '/reserve', { order: order.order, item: order.item, qty: order.qty }, order.order);
  if (!reserved || reserved.status !== 200) return console.log(`OUT ${JSON.stringify({ order: order.order, status: reserved ? 'out of stock' : 'inventory unavailable' })}`);
  const charged = await call('payment', '/charge', { order: order.order, amount: order.amount }, order.order, idempotent ? { 'idempotency-key': order.order } : {});
  const status = charged && charged.status === 200 ? 'confirmed' : 'payment failed';
  console.log(`OUT ${JSON.stringify({ order: order.order, status })}`);
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.startsWith('tick ')) {
    round = Number(line.slice(5));
    for (const entry of [...waiting]) if (round - entry.sentAt >= TIMEOUT) entry.abandon();
    for (let i = 0; i < sleeping.length; ) {
      if (sleeping[i].until <= round) sleeping.splice(i, 1)[0].wake();
      else i++;
    }
    return;
  }
  void checkout(JSON.parse(line));
});
console.log('READY');
