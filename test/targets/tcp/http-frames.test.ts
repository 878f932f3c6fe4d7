import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { HttpFrameParser, recordedHttp } from '../../../src/targets/tcp/http-frames.ts';

/** Both sides of one connection, sharing the methods of the requests not yet answered. */
function connection() {
  const methods: string[] = [];
  return { requests: new HttpFrameParser('request', methods), responses: new HttpFrameParser('response', methods) };
}

/** Feeds `bytes` in pieces cut where `cuts` says, and returns the frames as text. */
function feed(p: HttpFrameParser, bytes: string, cuts: number[] = []): string[] {
  const b = Buffer.from(bytes, 'latin1');
  const out: string[] = [];
  let at = 0;
  for (const c of [...cuts.filter((x) => x > 0 && x < b.length).sort((x, y) => x - y), b.length]) {
    for (const f of p.push(b.subarray(at, c))) out.push(f.toString('latin1'));
    at = c;
  }
  return out;
}

const GET = 'GET /stock/x HTTP/1.1\r\nHost: inventory\r\ntraceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n\r\n';
const POST = 'POST /charge HTTP/1.1\r\nHost: payment\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"amount":42}';
const OK_JSON = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"stock":3}';
const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Checksum: 7\r\n\r\n';
const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';
const NO_CONTENT = 'HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n';
const HEAD = 'HEAD /stock/x HTTP/1.1\r\nHost: inventory\r\n\r\n';
const HEAD_OK = 'HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n';
const CHUNKED_POST = 'POST /orders HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n';

describe('HTTP/1.1 messages as frames', () => {
  it('cuts a keep-alive connection into its requests and responses, however TCP splits the bytes', () => {
    const rnd = seedrandom('http-frames');
    const requests = [GET, POST, HEAD, CHUNKED_POST, GET];
    const responses = [OK_JSON, CONTINUE, OK_JSON, HEAD_OK, CHUNKED, NO_CONTENT];
    for (let trial = 0; trial < 200; trial++) {
      const c = connection();
      const reqBytes = requests.join('');
      const cuts = Array.from({ length: Math.floor(rnd() * 8) }, () => Math.floor(rnd() * reqBytes.length));
      expect(feed(c.requests, reqBytes, cuts)).toEqual(requests);
      const resBytes = responses.join('');
      const rcuts = Array.from({ length: Math.floor(rnd() * 8) }, () => Math.floor(rnd() * resBytes.length));
      // The HEAD's response has a length and no body; the 100 is a message of its own.
      expect(feed(c.responses, resBytes, rcuts)).toEqual(responses);
    }
  });

  it('waits for the rest of a body, a chunk or a trailer section', () => {
    const c = connection();
    expect(feed(c.requests, POST.slice(0, -1))).toEqual([]);
    expect(c.requests.pending).toBe(POST.length - 1);
    expect(feed(c.requests, POST.slice(-1))).toEqual([POST]);
    expect(feed(c.responses, CHUNKED.slice(0, -2))).toEqual([]);
    expect(feed(c.responses, '\r\n')).toEqual([CHUNKED]);
  });

  it('refuses what it cannot frame, saying why', () => {
    expect(() => feed(connection().requests, 'hello there\r\n\r\n')).toThrow(/'hello there' is not an HTTP\/1.1 request line/);
    expect(() => feed(connection().responses, 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbye')).toThrow(/neither Content-Length nor chunked encoding ends with its connection/);
    expect(() => feed(connection().responses, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')).toThrow(/'zz' is not a chunk size/);
    expect(() => feed(connection().requests, `GET / HTTP/1.1\r\n${'x'.repeat(70_000)}`)).toThrow(/no end of an HTTP header section/);
  });

  it('records a request by the node it goes to and a Date as the wall clock, leaving the body alone', () => {
    const request = 'GET /x HTTP/1.1\r\nHost: 127.0.0.1:40321\r\n\r\n';
    expect(recordedHttp(Buffer.from(request), 'inventory').toString()).toBe('GET /x HTTP/1.1\r\nHost: inventory\r\n\r\n');
    const response = 'HTTP/1.1 200 OK\r\nDate: Mon, 07 Dec 2026 22:49:45 GMT\r\nContent-Length: 17\r\n\r\nHost: not a header';
    expect(recordedHttp(Buffer.from(response), 'client').toString()).toBe('HTTP/1.1 200 OK\r\nDate: (wall clock)\r\nContent-Length: 17\r\n\r\nHost: not a header');
  });
});
