import net from 'node:net';
import type { SystemSpec } from './api.ts';
import { FrameDecoder, type Framing } from './framing.ts';

/** One connection through Spike: the connecting side (`down`) and, once its peer is ready, the accepting side (`up`). */
export interface Pair {
  /** The directed link, `from|to`. */
  readonly key: string;
  readonly down: net.Socket;
  /** The connection to the accepting process, made once it is ready. */
  up?: net.Socket;
  /** A side that closed (its process exited, or closed it): nothing more is written to it. */
  downGone: boolean;
  upGone: boolean;
  /** The decoders of what each side writes (a side that is gone will not finish its frame). */
  fromDown?: FrameDecoder;
  fromUp?: FrameDecoder;
  /** HTTP framing: the methods of the requests the connecting side sent, not yet answered (a HEAD's response has no body). */
  readonly methods: string[];
  /** The fault that closed it (a dropped connection, a reset), for what was still to be delivered on it. */
  closedBy?: string;
}

/** What the proxy asks of, and tells, the run it serves. */
export interface ProxyListener {
  /** Bytes arrived (the round is not quiet yet). */
  activity(): void;
  /** A whole message (`frame`) one end wrote on a pair: the run decides its fate and holds it. */
  frame(from: string, to: string, frame: Buffer, pair: Pair, towardConnector: boolean): void;
  /** A framing error on a link: the run fails with it. */
  broken(from: string, to: string, message: string): void;
  /** Whether messages held for this pair toward one side are still to be delivered. */
  pending(pair: Pair, towardConnector: boolean): boolean;
  /** When the accepting node's current process is ready (connections wait for it). */
  ready(node: string): Promise<void>;
  /** Whether a node has crashed (a connection to it is refused). */
  crashed(node: string): boolean;
  /** The port a node's process listens on. */
  port(node: string): number;
}

/**
 * Spike's TCP proxy: a loopback listener per directed link, which forwards to the peer once it is
 * ready. It captures what each end writes, whole messages at a time, and hands them to the run; the
 * run writes them on when their round comes (`write`). A link dropped by a fault refuses connections
 * until it is restored; a side that closes keeps the other open until what was sent toward it is
 * delivered. Plumbing only: what happens to a message is decided and recorded by the run.
 */
export class LinkProxy {
  private readonly servers: net.Server[] = [];
  private readonly pairs = new Map<string, Pair[]>();
  private readonly blocked = new Set<string>();
  private readonly ports = new Map<string, number>();
  private readonly decoders = new Set<FrameDecoder>();

  constructor(
    private readonly system: SystemSpec,
    /** Loopback only (checked when the system is loaded, and by the run again). */
    private readonly host: string,
    private readonly listener: ProxyListener,
  ) {}

  /** Starts the listener of link from→to (on a port of the kernel's choosing). */
  async listen(from: string, to: string): Promise<void> {
    const key = `${from}|${to}`;
    const server = net.createServer((down) => this.accept(from, to, down));
    this.servers.push(server);
    this.pairs.set(key, []);
    // Loopback only: Spike is never reachable from outside this machine.
    await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, this.host, () => ok()));
    this.ports.set(key, (server.address() as net.AddressInfo).port);
  }

  /** The port processes connect to for link from→to. */
  portOf(from: string, to: string): number {
    return this.ports.get(`${from}|${to}`)!;
  }

  /** Every port the proxy listens on. */
  allPorts(): number[] {
    return [...this.ports.values()];
  }

  /** Links with a connection open now. */
  openLinks(): string[] {
    return [...this.pairs].filter(([, list]) => list.length > 0).map(([key]) => key);
  }

  /** Whether some end is in the middle of writing a message (part of a frame arrived). */
  midFrame(): boolean {
    return [...this.decoders].some((d) => d.pending > 0);
  }

  /** `connected` hears of each link a connection is accepted on (the run keeps them by round). */
  onConnect?: (key: string) => void;

  private accept(from: string, to: string, down: net.Socket): void {
    const key = `${from}|${to}`;
    if (this.blocked.has(key) || this.listener.crashed(to)) {
      down.destroy();
      return;
    }
    const pair: Pair = { key, down, downGone: false, upGone: false, methods: [] };
    this.pairs.get(key)!.push(pair);
    this.onConnect?.(key);
    // What the connecting side writes is captured at once; the accepting side is connected to once it
    // is ready (processes start together, and a connection may come before its peer listens).
    this.attach(pair, 'down', down, from, to);
    void this.listener.ready(to).then(() => {
      if (pair.upGone || (pair.downGone && !this.listener.pending(pair, false))) return;
      const up = net.connect(this.listener.port(to), this.host);
      pair.up = up;
      this.attach(pair, 'up', up, to, from);
    });
  }

  /** Follows one side of a pair: its close, and the whole messages it writes (from `writer` to `reader`). */
  private attach(pair: Pair, side: 'down' | 'up', socket: net.Socket, writer: string, reader: string): void {
    socket.setNoDelay(true);
    socket.on('error', () => this.sideClosed(pair, side));
    socket.on('close', () => this.sideClosed(pair, side));
    // Over HTTP the connecting side is the client: it writes requests, the accepting side responses.
    const decoder = new FrameDecoder(framingOf(this.system, writer, reader), { side: side === 'down' ? 'request' : 'response', methods: pair.methods });
    this.decoders.add(decoder);
    if (side === 'down') pair.fromDown = decoder;
    else pair.fromUp = decoder;
    // What the accepting side writes goes back toward the connecting side.
    socket.on('data', (chunk) => this.capture(writer, reader, decoder, chunk, pair, side === 'up'));
  }

  private capture(from: string, to: string, decoder: FrameDecoder, chunk: Buffer, pair: Pair, towardConnector: boolean): void {
    this.listener.activity();
    try {
      // Each frame as it is cut: a request the run answers itself leaves `methods` at once.
      decoder.push(chunk, (frame) => this.listener.frame(from, to, frame, pair, towardConnector));
    } catch (e) {
      this.listener.broken(from, to, (e as Error).message);
    }
  }

  /** Whether the side a held message goes to is still open (a message toward a closed side is lost with it). */
  canWrite(pair: Pair, towardConnector: boolean): boolean {
    const socket = towardConnector ? pair.down : pair.up;
    const gone = towardConnector ? pair.downGone : pair.upGone;
    return !gone && socket !== undefined && !socket.destroyed;
  }

  /**
   * Writes a held message on to its receiver (the run has marked it delivered first, so that a pair
   * half closed is ended only once nothing is pending on it: what a process sent before it went is
   * delivered, as TCP would).
   */
  write(pair: Pair, towardConnector: boolean, frame: Buffer, settle = true): void {
    (towardConnector ? pair.down : pair.up)!.write(frame);
    if (settle) this.settle(pair);
  }

  /** A dropped connection (the fault `why`): both ends see a reset, and the link refuses connections until `restore`. */
  drop(from: string, to: string, why: string): void {
    for (const key of [`${from}|${to}`, `${to}|${from}`]) {
      if (!this.pairs.has(key)) continue;
      this.blocked.add(key);
      for (const pair of [...this.pairs.get(key)!]) this.reset(pair, why);
    }
  }

  /** One connection reset (the fault `why`): both ends see it; the link accepts new connections. */
  reset(pair: Pair, why: string): void {
    pair.closedBy = why;
    pair.down.resetAndDestroy();
    pair.up?.resetAndDestroy();
    pair.downGone = true;
    pair.upGone = true;
    this.close(pair);
  }

  /** The link accepts connections again. */
  restore(from: string, to: string): void {
    for (const key of [`${from}|${to}`, `${to}|${from}`]) if (this.pairs.has(key)) this.blocked.delete(key);
  }

  /** One side closed: the other stays open until what was sent toward it before is delivered. */
  private sideClosed(pair: Pair, side: 'down' | 'up'): void {
    if (side === 'down') {
      if (pair.downGone) return;
      pair.downGone = true;
      pair.down.destroy();
      if (pair.fromDown) this.decoders.delete(pair.fromDown);
    } else {
      if (pair.upGone) return;
      pair.upGone = true;
      pair.up?.destroy();
      if (pair.fromUp) this.decoders.delete(pair.fromUp);
    }
    this.settle(pair);
  }

  /** Ends a half-closed pair once nothing is left to deliver on its open side. */
  settle(pair: Pair): void {
    if (!pair.downGone && !pair.upGone) return;
    if (!pair.downGone && this.listener.pending(pair, true)) return;
    if (!pair.upGone && this.listener.pending(pair, false)) return;
    this.close(pair);
  }

  /** Closes both sides (gracefully: what was written is sent) and forgets the pair. */
  private close(pair: Pair): void {
    for (const d of [pair.fromDown, pair.fromUp]) if (d) this.decoders.delete(d);
    if (!pair.downGone) pair.down.end();
    if (!pair.upGone) pair.up?.end();
    pair.downGone = true;
    pair.upGone = true;
    const list = this.pairs.get(pair.key)!;
    const i = list.indexOf(pair);
    if (i >= 0) list.splice(i, 1);
  }

  /** Every connection and listener closed. */
  async stop(): Promise<void> {
    for (const list of this.pairs.values()) for (const pair of [...list]) (pair.down.destroy(), pair.up?.destroy());
    await Promise.all(this.servers.map((s) => new Promise<void>((ok) => s.close(() => ok()))));
  }
}

/** The framing of what `from` writes to `to` (the system's, per link if it says so; lines by default). */
export function framingOf(system: SystemSpec, from: string, to: string): Framing {
  const f = system.framing;
  if (!f || typeof f === 'string') return f ?? 'lines';
  return f[`${from}->${to}`] ?? f[`${to}->${from}`] ?? 'lines';
}
