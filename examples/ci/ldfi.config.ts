/**
 * An example campaign config: the broadcasts at two EOTs, a protocol and a system of real processes.
 * `npx ldfi campaign --config examples/ci/ldfi.config.ts` runs them; counterexamples go to
 * examples/ci/ldfi-corpus/ (commit it) and are replayed first next time.
 */
import { defineConfig } from 'ldfi';

export default defineConfig({
  corpus: 'ldfi-corpus',
  reports: 'ldfi-reports',
  campaigns: [
    { name: 'broadcast-retry', files: '../dedalus/broadcast-retry.ded', eot: [4, 6], eff: 3 },
    { name: 'pipeline', files: '../sim/pipeline-exactly-once.ts', timeSeconds: 60 },
    { name: 'double-halve', files: '../tcp/double-halve/ldfi-recovery.tcp.ts', eot: 10, eff: 3, timeSeconds: 120 },
  ],
});
