/**
 * HTTP/1.1 messages as frames (RFC 9112 §6): a request or a response is its start line, its header
 * section and its body, whose end is given by `Transfer-Encoding: chunked` (the last coding), else by
 * `Content-Length`, else there is none (a request), or it ends with the connection (a response, which
 * cannot be framed: refused). A response to HEAD, a 1xx, 204 or 304 has no body whatever its headers
 * say; a 1xx is a frame of its own before the final response. Keep-alive and pipelining work: frames
 * follow each other on one connection. The response side learns the request methods, in order, from
 * the request side of the same connection (`methods`).
 */

/** Longest header section accepted (bytes): past it the stream is taken not to be HTTP. */
export const MAX_HEADER = 64 * 1024;

const CRLF = Buffer.from('\r\n');
const END_OF_HEADER = Buffer.from('\r\n\r\n');

type Body = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' };

/** Cuts one direction of an HTTP/1.1 connection into whole messages; keeps the incomplete tail. */
export class HttpFrameParser {
  private buffer: Buffer = Buffer.alloc(0);

  /**
   * @param side `request` for what the connecting side writes, `response` for what the accepting side writes.
   * @param methods Methods of the requests not yet answered, shared by both sides of a connection.
   */
  constructor(
    readonly side: 'request' | 'response',
    private readonly methods: string[],
  ) {}

  /**
   * The messages completed by this chunk, each as its bytes on the wire. `each` hears of every one as
   * it is cut, its method already accounted (so a request the caller answers itself can be taken off
   * `methods` then). Throws on what is not HTTP/1.1 as framed here.
   */
  push(chunk: Buffer, each?: (frame: Buffer) => void): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: Buffer[] = [];
    for (;;) {
      const end = this.messageEnd();
      if (end === undefined) break;
      const frame = Buffer.from(this.buffer.subarray(0, end));
      frames.push(frame);
      this.buffer = Buffer.from(this.buffer.subarray(end));
      each?.(frame);
    }
    return frames;
  }

  /** Bytes received that do not make a whole message yet. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Where the first whole message in the buffer ends, or undefined while it is incomplete. */
  private messageEnd(): number | undefined {
    const b = this.buffer;
    if (b.length === 0) return undefined;
    const headerEnd = b.indexOf(END_OF_HEADER);
    if (headerEnd < 0) {
      if (b.length > MAX_HEADER) throw new Error(`no end of an HTTP header section in ${MAX_HEADER} bytes (is the link really HTTP/1.1?)`);
      return undefined;
    }
    const head = b.subarray(0, headerEnd).toString('latin1').split('\r\n');
    const startLine = head[0];
    const headers = new Map<string, string>();
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new Error(`'${line.slice(0, 60)}' is not an HTTP header line`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers.set(name, headers.has(name) ? `${headers.get(name)}, ${value}` : value);
    }
    const bodyStart = headerEnd + END_OF_HEADER.length;
    const body = this.bodyOf(startLine, headers);
    let end: number | undefined;
    if (body.kind === 'none') end = bodyStart;
    else if (body.kind === 'length') end = b.length - bodyStart >= body.length ? bodyStart + body.length : undefined;
    else end = chunkedEnd(b, bodyStart);
    if (end === undefined) return undefined;
    this.account(startLine);
    return end;
  }

  private bodyOf(startLine: string, headers: Map<string, string>): Body {
    if (this.side === 'request') {
      if (!/^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(startLine)) throw new Error(`'${startLine.slice(0, 60)}' is not an HTTP/1.1 request line`);
    } else {
      const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(startLine);
      if (!m) throw new Error(`'${startLine.slice(0, 60)}' is not an HTTP/1.1 status line`);
      const status = Number(m[1]);
      if (status < 200 || status === 204 || status === 304 || this.methods[0] === 'HEAD') return { kind: 'none' };
    }
    const coding = headers.get('transfer-encoding');
    if (coding !== undefined) {
      const codings = coding.split(',').map((c) => c.trim().toLowerCase());
      if (codings[codings.length - 1] === 'chunked') return { kind: 'chunked' };
      if (this.side === 'request') throw new Error(`a request with Transfer-Encoding '${coding}' that does not end with chunked has no length`);
      throw new Error(`a response with Transfer-Encoding '${coding}' ends with its connection: not framed (HTTP/1.1 keep-alive needs chunked or Content-Length)`);
    }
    const length = headers.get('content-length');
    if (length !== undefined) {
      if (!/^\d+$/.test(length)) throw new Error(`Content-Length '${length}' is not a length`);
      return { kind: 'length', length: Number(length) };
    }
    if (this.side === 'request') return { kind: 'none' };
    throw new Error('a response with neither Content-Length nor chunked encoding ends with its connection: not framed (HTTP/1.1 keep-alive needs a length)');
  }

  /** A request's method waits for its response; a final response answers the oldest. */
  private account(startLine: string): void {
    if (this.side === 'request') this.methods.push(startLine.slice(0, startLine.indexOf(' ')));
    else if (!/^HTTP\/1\.[01] 1\d\d/.test(startLine)) this.methods.shift();
  }
}

/** Where a chunked body that starts at `start` ends (after its trailer section), or undefined if incomplete. */
function chunkedEnd(b: Buffer, start: number): number | undefined {
  let at = start;
  for (;;) {
    const lineEnd = b.indexOf(CRLF, at);
    if (lineEnd < 0) return undefined;
    const sizeText = b.subarray(at, lineEnd).toString('latin1').split(';')[0].trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new Error(`'${sizeText.slice(0, 20)}' is not a chunk size`);
    const size = parseInt(sizeText, 16);
    at = lineEnd + CRLF.length;
    if (size === 0) {
      // The trailer section: header lines up to an empty line.
      for (;;) {
        const trailerEnd = b.indexOf(CRLF, at);
        if (trailerEnd < 0) return undefined;
        const empty = trailerEnd === at;
        at = trailerEnd + CRLF.length;
        if (empty) return at;
      }
    }
    if (b.length < at + size + CRLF.length) return undefined;
    if (b[at + size] !== 0x0d || b[at + size + 1] !== 0x0a) throw new Error(`a chunk of ${size} bytes is not followed by CRLF`);
    at += size + CRLF.length;
  }
}

/**
 * What arrives of an HTTP message cut short by a reset: its head and half its body, or half its head
 * when it has no body (a GET), so that the receiver has started reading the message when the reset comes.
 */
export function httpPrefix(frame: Buffer): Buffer {
  const headerEnd = frame.indexOf(END_OF_HEADER);
  const bodyStart = headerEnd + END_OF_HEADER.length;
  if (headerEnd >= 0 && frame.length > bodyStart) return frame.subarray(0, bodyStart + Math.floor((frame.length - bodyStart) / 2));
  return frame.subarray(0, Math.max(1, Math.floor(frame.length / 2)));
}

/**
 * Spike's own answer to a request it fails: `status` with its reason phrase and a short text body
 * naming the fault (`why`), framed with Content-Length so the connection stays usable.
 */
export function failedResponse(status: number, reason: string, why: string): Buffer {
  const body = Buffer.from(`ldfi: ${why}\n`);
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\n\r\n`, 'latin1'), body]);
}

/**
 * An HTTP message as the trace records it: a request's `Host` header names the node it goes to,
 * not the address it was sent to (Spike's listening port, another in every run), and a `Date` header
 * reads `(wall clock)`; so one schedule gives one trace byte for byte. The bytes delivered are the
 * original ones.
 */
export function recordedHttp(frame: Buffer, node: string): Buffer {
  const headerEnd = frame.indexOf(END_OF_HEADER);
  if (headerEnd < 0) return frame;
  const head = frame.subarray(0, headerEnd).toString('latin1');
  const renamed = head.replace(/^(host:[ \t]*)[^\r\n]*$/gim, `$1${node}`).replace(/^(date:[ \t]*)[^\r\n]*$/gim, '$1(wall clock)');
  return renamed === head ? frame : Buffer.concat([Buffer.from(renamed, 'latin1'), frame.subarray(headerEnd)]);
}
