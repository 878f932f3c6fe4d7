import cliProgress from 'cli-progress';
import type { SearchObserver } from '../search/index.ts';

/**
 * A live status line on a terminal while the search runs (cli-progress handles redrawing, terminal
 * width and cleanup). Off when stderr is not a terminal, so logs and CI output stay clean.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): { observer: SearchObserver; stop(): void } {
  if (!stream.isTTY) return { observer: {}, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'ldfi  runs {value}  counterexamples {found}  last {last}  {duration_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let found = 0;
  bar.start(0, 0, { found, last: '—' });
  return {
    observer: {
      onRun(run) {
        bar.update(run.index, { found, last: run.faults.length ? `${run.faults.length} fault(s)` : 'fault-free' });
      },
      onCounterexample() {
        found++;
        bar.update({ found });
      },
    },
    stop: () => bar.stop(),
  };
}
