/**
 * LDFI against exhaustive search on many generated protocols, outside the test suite (which checks a
 * few dozen): `npm run soundness -- [count] [seed]`. Each protocol (test/helpers/random-sim.ts:
 * retries, acknowledgements, timeouts, relays, tracked state or closures, and for the bounds with cuts
 * connection handlers) is searched at small bounds
 * by both strategies; every disagreement is printed with its spec, and every counterexample LDFI
 * reports is replayed. Exits 1 on any disagreement.
 */
import fc from 'fast-check';
import { search } from '../src/search/index.ts';
import type { FaultKind } from '../src/model/faults.ts';
import { SimTarget } from '../src/targets/sim/target.ts';
import { randomCutSpec, randomSimProtocol, randomSimSpec } from '../test/helpers/random-sim.ts';

const count = Number(process.argv[2] ?? 1000);
const seed = Number(process.argv[3] ?? 1);
const BOUNDS = [
  { eot: 14, eff: 3, crashes: 0 },
  { eot: 12, eff: 2, crashes: 1 },
  // Restarts too (faults on a and b only, to keep exhaustive search feasible).
  { eot: 12, eff: 4, crashes: 1, nodes: ['a', 'b'], faultKinds: ['omit', 'crash', 'restart'] as FaultKind[] },
  // Delays up to 3 ms.
  { eot: 14, eff: 3, crashes: 0, nodes: ['a', 'b'], faultKinds: ['omit', 'crash', 'delay'] as FaultKind[], maxDelay: 3 },
  // Cuts of the network, alone on three nodes and with omissions and a crash on two.
  { eot: 14, eff: 3, crashes: 0, nodes: ['a', 'b', 'c'], faultKinds: ['disconnect', 'partition'] as FaultKind[] },
  { eot: 14, eff: 3, crashes: 1, nodes: ['a', 'b'], faultKinds: ['omit', 'crash', 'disconnect'] as FaultKind[] },
];
const hasCuts = (b: (typeof BOUNDS)[number]) => 'faultKinds' in b && !!b.faultKinds?.some((k) => k === 'disconnect' || k === 'partition');

const specs = fc.sample(
  fc.constantFrom(...BOUNDS).chain((bounds) => fc.tuple(hasCuts(bounds) ? randomCutSpec : randomSimSpec, fc.constant(bounds))),
  { numRuns: count, seed },
);
let agree = 0;
let replayed = 0;
let ldfiRuns = 0;
let exhaustiveRuns = 0;
const disagreements: string[] = [];
const t0 = performance.now();
for (const [i, [spec, bounds]] of specs.entries()) {
  const target = SimTarget.of(randomSimProtocol(spec, true), { seed: String(i % 7), ...bounds });
  const ldfi = await search(target, { strategy: 'ldfi' });
  const exhaustive = await search(target, { strategy: 'exhaustive' });
  ldfiRuns += ldfi.runs.length;
  exhaustiveRuns += exhaustive.runs.length;
  if (ldfi.status === exhaustive.status) agree++;
  else disagreements.push(`${JSON.stringify({ spec, bounds, seed: String(i % 7) })}: ldfi ${ldfi.status}, exhaustive ${exhaustive.status}`);
  for (const c of ldfi.counterexamples) {
    const again = await target.run(c.faults, { lineage: false });
    if (again.violations.length === 0) disagreements.push(`${JSON.stringify({ spec, bounds })}: counterexample ${JSON.stringify(c.faults)} does not replay`);
    else replayed++;
  }
  if ((i + 1) % 100 === 0) process.stderr.write(`${i + 1}/${count} protocols, ${disagreements.length} disagreements, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}
console.log(`${count} generated protocols: ${agree} verdicts agree with exhaustive search, ${disagreements.length} disagreements; ${replayed} counterexamples replayed; runs: LDFI ${ldfiRuns.toLocaleString('en-US')}, exhaustive ${exhaustiveRuns.toLocaleString('en-US')}`);
for (const d of disagreements) console.log(`  ${d}`);
process.exitCode = disagreements.length ? 1 : 0;
