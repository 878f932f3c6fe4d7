import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';
import { resolvePython } from './scripts/python-path.ts';
import { LongestFirst } from './test/sequencer.ts';

resolvePython();
// Protocols and systems the tests load through tsx import `ldfi/sim` and `ldfi/tcp` with Node's own
// resolution, in the test workers and in the commands they start: the sources, there too.
if (!/--conditions=ldfi-source/.test(process.env.NODE_OPTIONS ?? '')) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --conditions=ldfi-source`.trim();

// Hang guards, not speed checks: a loaded machine sets LDFI_TEST_SLOWNESS (test/helpers/time.ts).
const slowness = Math.max(1, Number(process.env.LDFI_TEST_SLOWNESS) || 1);

export default defineConfig({
  // `ldfi/sim` and `ldfi/tcp` in the examples are the sources under test, not the build (package.json exports).
  ssr: { resolve: { conditions: ['ldfi-source', ...defaultServerConditions], externalConditions: ['ldfi-source'] } },
  resolve: { conditions: ['ldfi-source', ...defaultServerConditions] },
  test: {
    include: ['test/**/*.test.ts'],
    // Fails the run if a process, a listening socket or a temporary directory outlives the suite.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 180_000 * slowness,
    hookTimeout: 180_000 * slowness,
    // Each worker starts its own Z3; two match the two cores CI has (three were no faster, and the
    // load made real processes' own timers fire: tcp traces changed).
    maxWorkers: 2,
    // The heaviest files first, so that none starts last (test/sequencer.ts).
    sequence: { sequencer: LongestFirst },
  },
});
