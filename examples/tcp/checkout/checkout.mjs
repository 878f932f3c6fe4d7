// The checkout service (Node's own http client): each order on stdin reserves its items at the
// inventory service, then charges its amount at the payment service, and is confirmed (an output).
// Each call is retried, as the usual HTTP client wrapper does: after an error status (5xx), a broken
// connection, or no answer within TIMEOUT rounds (the request abandoned, its connection closed),
// backing off 1, 2, then 4 rounds (a retry at once would meet the same broken connection).
// With IDEMPOTENT=1 every attempt of a charge carries the order's Idempotency-Key, so the payment
// service can tell a retry from a new charge; without it, a charge whose answer was lost is charged again.
// With FALLBACK=1 a reservation is tried once, and when it fails the checkout falls back to the
// stock levels inventory's earlier answers carried, and confirms the order as if inventory had said
// yes: stale data served as fresh (the order is never reserved).
// Traced with OpenTelemetry's API only (a span per order, a client span per attempt, the context
// injected into each request); the SDK is registered by `--import ./tracing.mjs`, as in production.
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import http from 'node:http';
import readline from 'node:readline';

const TIMEOUT = 3; // rounds without an answer before an attempt is abandoned
const ATTEMPTS = 4;
const idempotent = process.env.IDEMPOTENT === '1';
const agent = new http.Agent({ keepAlive: true });
const waiting = new Set(); // attempts in flight: { sentAt, abandon }
const sleeping = []; // retries backing off: { until, wake }
const fallback = process.env.FALLBACK === '1';
const stockSeen = new Map(); // item -> units left, as inventory's last answer about it said
let round = 0;

function peer(name) {
  const p = process.env[`LDFI_PEER_${name.toUpperCase()}`];
  return { host: p.slice(0, p.lastIndexOf(':')).replace(/^\[|\]$/g, ''), port: Number(p.slice(p.lastIndexOf(':') + 1)) };
}

const tracer = trace.getTracer('checkout');

/** One attempt, in a client span: resolves to { status, body } or to { error } (broken connection, no answer in time). */
function attempt(service, path, payload, headers) {
  return tracer.startActiveSpan(`POST ${service}${path}`, { kind: SpanKind.CLIENT }, (span) => new Promise((resolve) => {
    const body = JSON.stringify(payload);
    const entry = { sentAt: round };
    const done = (result) => {
      if (!waiting.delete(entry)) return;
      if (result.error || result.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: result.error ?? String(result.status) });
      span.end();
      resolve(result);
    };
    const carrier = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers };
    propagation.inject(context.active(), carrier);
    const req = http.request({ ...peer(service), agent, method: 'POST', path, headers: carrier }, (res) => {
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
  }));
}

/** A call with retries: the parsed answer of the first attempt that succeeds, or null after ATTEMPTS. */
async function call(service, path, payload, headers = {}, attempts = ATTEMPTS) {
  for (let n = 1; n <= attempts; n++) {
    if (n > 1) await new Promise((wake) => sleeping.push({ until: round + 2 ** (n - 2), wake }));
    const r = await attempt(service, path, payload, headers);
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

/** An order, in a span of its own (a trace per order), its outcome an output. */
function checkout(order) {
  return tracer.startActiveSpan('checkout', async (span) => {
    let reserved = await call('inventory', '/reserve', { order: order.order, item: order.item, qty: order.qty }, {}, fallback ? 1 : ATTEMPTS);
    if (reserved) stockSeen.set(order.item, reserved.left);
    // The fallback: the last stock level seen, taken as inventory's answer.
    else if (fallback && (stockSeen.get(order.item) ?? 0) >= order.qty) reserved = { status: 200, reserved: true, left: stockSeen.get(order.item) - order.qty };
    let status = !reserved ? 'inventory unavailable' : reserved.status !== 200 ? 'out of stock' : undefined;
    if (!status) {
      const charged = await call('payment', '/charge', { order: order.order, amount: order.amount }, idempotent ? { 'idempotency-key': order.order } : {});
      status = charged && charged.status === 200 ? 'confirmed' : 'payment failed';
    }
    // The outcome logged with the trace it belongs to (OpenTelemetry's log correlation).
    console.log(`OUT ${JSON.stringify({ order: order.order, status, trace_id: span.spanContext().traceId })}`);
    span.end();
  });
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
