/**
 * Lesson: exactly-once needs the dedup state written before the effect, not after. The desk writes
 * how far it has decided only at the commit (the next tick, which also acknowledges), after the
 * decision is printed: a restart in between forgets it, the gateway sends the trade again (it was
 * never acknowledged), and it counts twice.
 *
 * Expected (a restart at the commit of round 4 needs EFF 5 and one crash; defaults otherwise):
 *   broken  --eff 5 --crashes 1: `restart desk @4..4` (25 runs; 11 with --fault-kinds restart):
 *           duplicated: trade t1 came out twice at desk (@3 trade t1 rejected, @6 trade t1
 *           rejected); the model gives one output for it
 *   resilient at the defaults (losses alone: nothing is ever decided twice without a restart)
 */
import { tradeSystem } from './system.ts';

export default tradeSystem({ name: 'trades-double-count', bug: 'commit-after-output' });
