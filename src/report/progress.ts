import cliProgress from 'cli-progress';
import type { SearchObserver } from '../search/index.ts';

/** How often a status line is written when stderr is not a terminal (a CI log), in ms. */
const STATUS_EVERY_MS = 10_000;

export interface ProgressOptions {
  /** The run budget (`--max-runs`), if any. */
  readonly maxRuns?: number;
  /** Override of the status-line interval for logs (tests use a short one to key on it). */
  readonly statusEveryMs?: number;
}

/** What the search has done so far, as the status shows it. */
interface State {
  runs: number;
  readonly maxRuns?: number;
  pending: number | undefined;
  found: number;
  readonly started: number;
}

/**
 * Progress while the search runs. On a terminal, a live line (cli-progress redraws it, and clears it
 * at the end): runs / budget, hypotheses pending, counterexamples, elapsed time and an estimate of
 * the time the pending hypotheses take at the pace so far. Elsewhere (a CI log), one status line every
 * 10 s, so a long search shows life without flooding the log.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr, opts: ProgressOptions = {}): { observer: SearchObserver; stop(): void } {
  const finite = opts.maxRuns !== undefined && Number.isFinite(opts.maxRuns);
  const state: State = { runs: 0, pending: undefined, found: 0, started: performance.now(), ...(finite ? { maxRuns: opts.maxRuns } : {}) };
  const budget = finite ? `/${opts.maxRuns!.toLocaleString('en-US')}` : '';
  const observer: SearchObserver = {
    onRun(run) {
      state.runs = run.index;
    },
    onPending(pending) {
      state.pending = pending;
    },
    onCounterexample() {
      state.found++;
    },
  };
  if (!stream.isTTY) {
    const timer = setInterval(() => stream.write(`ldfi: status: ${statusText(state, budget)}\n`), opts.statusEveryMs ?? (Number(process.env.LDFI_STATUS_EVERY_MS) || STATUS_EVERY_MS));
    // A status line never keeps the process alive.
    timer.unref();
    return { observer, stop: () => clearInterval(timer) };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: 'ldfi  {status}', hideCursor: true, clearOnComplete: true, fps: 10 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(0, 0, { status: statusText(state, budget) });
  const redraw = () => bar.update(state.runs, { status: statusText(state, budget) });
  return {
    observer: {
      onRun(run) {
        observer.onRun!(run);
        redraw();
      },
      onPending(pending) {
        observer.onPending!(pending);
        redraw();
      },
      onCounterexample(c) {
        observer.onCounterexample!(c);
        redraw();
      },
    },
    stop: () => bar.stop(),
  };
}

/** `1,234/5,000 runs, 56 hypotheses pending, 0 counterexamples, 12 s (~37 s to the run budget at this pace)`. */
export function statusText(s: State, budget: string): string {
  const elapsed = (performance.now() - s.started) / 1000;
  const parts = [`${s.runs.toLocaleString('en-US')}${budget} runs`];
  if (s.pending !== undefined) parts.push(`${s.pending.toLocaleString('en-US')} hypothes${s.pending === 1 ? 'is' : 'es'} pending`);
  parts.push(`${s.found} counterexample${s.found === 1 ? '' : 's'}`);
  let line = `${parts.join(', ')}, ${seconds(elapsed)}`;
  // An estimate only where the end is known: the run budget, at the pace so far (a few runs and a
  // second of history). How many hypotheses the next sizes bring is not known in advance.
  if (s.maxRuns !== undefined && s.runs >= 5 && elapsed >= 1) line += ` (at most ~${seconds(((s.maxRuns - s.runs) * elapsed) / s.runs)} more: the run budget at this pace)`;
  // Without a budget, a search whose pending hypotheses alone take long says how to size it down.
  else if (s.maxRuns === undefined && s.pending && s.runs >= 20 && elapsed >= 5) {
    const left = (s.pending * elapsed) / s.runs;
    if (left > LONG_S) line += ` (the pending alone ~${seconds(left)} at this pace; a smaller --eff, fewer --fault-kinds or a shorter --max-delay shrinks the space, --max-runs bounds the search)`;
  }
  return line;
}

/** Pending work past this many seconds at the current pace is worth a hint on the bounds. */
const LONG_S = 600;

function seconds(s: number): string {
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  return s < 60 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
