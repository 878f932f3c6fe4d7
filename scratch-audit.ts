import { auditNodeState } from './src/targets/sim/closure-state.ts';
import { tsImport } from 'tsx/esm/api';
import { readdirSync } from 'node:fs';
import { randomSimProtocol } from './test/helpers/random-sim.ts';
for (const f of readdirSync('examples/sim').filter((f) => f.endsWith('.ts'))) {
  const mod = await tsImport(`./examples/sim/${f}`, import.meta.url);
  for (const a of auditNodeState(mod.default)) if (!a.precise) console.log(f, a.node, a.why.map((w) => w.message).join('; '));
}
const p = randomSimProtocol({ targets: ['b','c'], acks: true, retries: 2, retryEvery: 3, dedupe: true, relay: true, timeout: 5, latency: [1,2], invariant: 'agreement', tracked: true });
for (const a of auditNodeState(p)) if (!a.precise) console.log('random', a.node, a.why.map((w) => w.message).join('; '));
