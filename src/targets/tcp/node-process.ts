import type { TraceContext } from './trace-id.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../../model/errors.ts';
import { CausalPast } from '../code/recorder.ts';
import type { ProcessSpec } from './api.ts';
import { accepts } from './ports.ts';
import { track, untrack } from './processes.ts';

/** What a node's process tells the run as it goes. */
export interface ProcessListener {
  /** Bytes came from the process (the round is not quiet yet). */
  activity(): void;
  /** A line it wrote as an output (after the output prefix). */
  output(p: NodeProcess, text: string): void;
  /** It ended by itself (not by a fault, not at the end of the run): `how` is its signal or exit code. */
  exited(p: NodeProcess, how: string): void;
}

/**
 * One node of a system as a real process: its incarnation (started, killed, started again for a
 * restart), its readiness, its log, and what it has seen (its causal past, and the ids it was given
 * by trace id). Each process runs in its own process group, so a crash kills everything it started.
 */
export class NodeProcess {
  child?: ChildProcess;
  up = false;
  crashed = false;
  /** A restart window took it down during the run. */
  restarted = false;
  /** Wrote a message or an output since the current phase began. */
  acted = false;
  /** What it was given in the current phase (input ids, or the message delivered): what starts a new trace. */
  given: number[] = [];
  /** Delivered message and input ids, in order: the causal past that its actions depend on. */
  readonly past = new CausalPast();
  /** Delivered message and input ids by the trace id they carried (with `traceId`). */
  readonly byTrace = new Map<string, number[]>();
  /** The same by trace and span (`trace/span`: W3C trace context). */
  readonly bySpan = new Map<string, number[]>();
  /** Its stdout lines that are not outputs, and its stderr. */
  readonly log: string[] = [];
  /** How many outputs it wrote (their order within a round). */
  outputCount = 0;
  /** Resolved when this incarnation is ready to accept connections. */
  ready!: Promise<void>;
  private markReady!: () => void;
  private stdoutTail = '';
  /** Set when ldfi stops the run: an exit then is not the process's own doing. */
  stopping = false;

  constructor(
    readonly name: string,
    private readonly spec: ProcessSpec,
    private readonly listener: ProcessListener,
  ) {
    this.resetReady();
  }

  private resetReady(): void {
    this.ready = new Promise<void>((ok) => (this.markReady = ok));
  }

  /**
   * Starts an incarnation in `cwd` with `env`, and waits until it is ready: its ready line, or a
   * connection accepted on its port. Throws `UserError` when it cannot start, exits first, or is
   * not ready within `readyTimeoutMs` (a bad system, not a finding).
   */
  async start(env: Record<string, string>, cwd: string, port: number, host: string, outputPrefix: string, readyTimeoutMs: number): Promise<void> {
    const spec = this.spec;
    if (this.child) this.resetReady();
    const child = spawn(spec.command, [...(spec.args ?? [])], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.child = child;
    this.stdoutTail = '';
    track(child);
    child.stdin?.on('error', () => undefined);
    const started = new Promise<void>((ok, fail) => {
      child.once('spawn', () => ok());
      child.once('error', (e) => {
        // spawn says ENOENT for a missing working folder as for a missing command: tell them apart.
        const code = (e as NodeJS.ErrnoException).code;
        const why = !existsSync(cwd) ? `its folder ${cwd} does not exist (cwd)` : code === 'ENOENT' ? `no such command (ENOENT, looked up in PATH${env.PATH === undefined ? ', which its env leaves unset' : ''})` : (code ?? e.message);
        fail(new UserError('BAD_PROGRAM', `node ${this.name}: cannot start '${spec.command}': ${why}`));
      });
    });
    let readyLine = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      this.listener.activity();
      const lines = (this.stdoutTail + chunk.toString('utf8')).split('\n');
      this.stdoutTail = lines.pop()!;
      for (const line of lines) {
        if (spec.readyLine && line.includes(spec.readyLine)) readyLine = true;
        if (line.startsWith(outputPrefix)) this.listener.output(this, line.slice(outputPrefix.length));
        else this.log.push(line);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line) this.log.push(`stderr: ${line}`);
    });
    child.once('exit', (code, sig) => {
      untrack(child);
      if (this.child !== child || this.stopping) return;
      if (this.up && !this.crashed) this.listener.exited(this, sig ?? `code ${code}`);
      this.up = false;
    });
    await started;
    this.up = true;
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (!this.up) throw new UserError('BAD_PROGRAM', `node ${this.name}: '${spec.command}' exited before it was ready; its output: ${lastWords(this.log)}`);
      if (spec.readyLine ? readyLine : await accepts(port, host)) {
        this.markReady();
        return;
      }
      if (Date.now() > deadline) {
        throw new UserError(
          'BAD_PROGRAM',
          `node ${this.name} was not ready within ${readyTimeoutMs} ms (${spec.readyLine ? `no stdout line containing '${spec.readyLine}'` : `nothing accepted connections on LDFI_PORT ${port}: a process that does not listen there needs readyLine, a line it prints when ready`})`,
        );
      }
      await sleep(5);
    }
  }

  /** Writes lines to its stdin (inputs and ticks). */
  write(lines: readonly string[]): void {
    this.child?.stdin?.write(lines.join('\n') + '\n');
  }

  /** Kills its whole process group and waits for it to exit. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
  }

  /** Remembers the id of what it was given under the trace (and span) it belongs to. */
  remember(ctx: TraceContext | undefined, id: number): void {
    if (ctx === undefined) return;
    (this.byTrace.get(ctx.trace) ?? this.byTrace.set(ctx.trace, []).get(ctx.trace)!).push(id);
    if (ctx.span === undefined) return;
    const key = `${ctx.trace}/${ctx.span}`;
    (this.bySpan.get(key) ?? this.bySpan.set(key, []).get(key)!).push(id);
  }
}

/**
 * What a process that died at start said, in one line: the line that names the error (a Node
 * `Error: Cannot find module …`, a Python `…Error: …`) first, then its last lines.
 */
export function lastWords(log: readonly string[]): string {
  if (log.length === 0) return '(none)';
  const last = log.slice(-3);
  const error = log.find((l) => /\b\w*(Error|Exception)\b|\bcannot\b/.test(l.replace(/^std(out|err): /, '')));
  return [...(error && !last.includes(error) ? [error, '…'] : []), ...last].join(' | ');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, Math.max(1, ms)));
}
