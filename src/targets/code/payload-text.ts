import type { Payload } from './outputs.ts';

/**
 * Headers that frame, address, date or trace an HTTP message rather than say what it asks or
 * answers: left out of its summary (the trace file keeps every byte).
 */
const PLUMBING = new Set(['content-type', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'host', 'date', 'server', 'user-agent', 'accept', 'accept-encoding', 'traceparent', 'tracestate']);

const START = /^(?:[A-Z]+ \S+ HTTP\/1\.[01]|HTTP\/1\.[01] \d{3}(?: [^\r\n]*)?)\r\n/;

/**
 * A message's payload as reports show it: JSON, except an HTTP/1.1 message (tcp, HTTP framing), shown
 * as its start line (`POST /charge`, `HTTP 503`), the headers that are the application's own
 * (`idempotency-key: o1`) and its body (chunks joined): `POST /charge idempotency-key: o1
 * {"order":"o1"}`.
 */
export function payloadText(payload: Payload): string {
  if (typeof payload !== 'string' || !START.test(payload)) return JSON.stringify(payload) ?? 'undefined';
  const headerEnd = payload.indexOf('\r\n\r\n');
  const head = (headerEnd < 0 ? payload : payload.slice(0, headerEnd)).split('\r\n');
  const raw = headerEnd < 0 ? '' : payload.slice(headerEnd + 4);
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  const start = status ? `HTTP ${status[1]}` : head[0].slice(0, head[0].lastIndexOf(' '));
  let chunked = false;
  const own: string[] = [];
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'transfer-encoding' && /chunked\s*$/i.test(value)) chunked = true;
    if (!PLUMBING.has(name)) own.push(`${name}: ${value}`);
  }
  const body = (chunked ? dechunk(raw) : raw).trim();
  return [start, ...own, ...(body ? [body] : [])].join(' ');
}

/** A chunked body's data, its chunks joined (what does not read as chunks is kept as it is). */
function dechunk(raw: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) return out;
    const size = parseInt(raw.slice(at, lineEnd), 16);
    if (!Number.isFinite(size)) return raw;
    if (size === 0) return out;
    out += raw.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/**
 * How a message that did not arrive whole is said in "how did I get here": `was lost`, `was failed
 * (Spike answered 503 in b's place)`, `was cut short by a reset`, `arrived while b was down`.
 */
export function lossText(m: { readonly ref: { readonly to: string }; readonly status: string; readonly reason?: string }): string {
  if (m.status === 'receiver-down') return `arrived while ${m.ref.to} was down`;
  const failed = /^fail .* with (\d+)$/.exec(m.reason ?? '');
  if (failed) return `was failed (Spike answered ${failed[1]} in ${m.ref.to}'s place)`;
  if (m.reason?.startsWith('reset ')) return 'was cut short by a reset';
  return 'was lost';
}
