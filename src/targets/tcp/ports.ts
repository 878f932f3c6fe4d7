import { readFileSync } from 'node:fs';
import net from 'node:net';

/** The addresses Spike may bind: loopback only. */
export const LOOPBACK = ['127.0.0.1', '::1'];

/**
 * A port for a process to listen on. Taken below the kernel's ephemeral range (where connections
 * and ldfi's own proxy listeners get theirs), so nothing else takes it between this check and the
 * process binding it; random, so that runs in parallel rarely meet.
 */
export async function freePort(host: string): Promise<number> {
  const [low] = ephemeralRange();
  for (let attempt = 0; ; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * Math.max(1, low - 20_000));
    // Not one handed out lately: two nodes of one run must differ, and a port just released may
    // still hold connections in TIME_WAIT.
    if (recentPorts.includes(port)) continue;
    const server = net.createServer();
    const ok = await new Promise<boolean>((done) => {
      server.once('error', () => done(false));
      server.listen(port, host, () => done(true));
    });
    if (ok) {
      await new Promise<void>((done) => server.close(() => done()));
      recentPorts.push(port);
      if (recentPorts.length > 512) recentPorts.shift();
      return port;
    }
    if (attempt > 50) throw new Error('no free port below the ephemeral range');
  }
}

/** Ports handed out to processes lately, oldest first. */
const recentPorts: number[] = [];

function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low > 21_000) return [low, high];
  } catch {
    // Not Linux: assume its default.
  }
  return [32_768, 60_999];
}

/** Whether something accepts connections on host:port. */
export async function accepts(port: number, host: string): Promise<boolean> {
  return new Promise((ok) => {
    const s = net.connect(port, host);
    s.once('connect', () => (s.destroy(), ok(true)));
    s.once('error', () => (s.destroy(), ok(false)));
  });
}

