/**
 * Lesson: a non-idempotent step counts an at-least-once redelivery twice. The desk decides every
 * trade message it receives: a lost acknowledgement makes the gateway send the trade again.
 *
 * Expected (defaults as ldfi.tcp.ts):
 *   broken  one lost acknowledgement (2 runs), e.g. `omit desk→gateway @3`:
 *           duplicated: trade t1 rejected came out twice (@3, @6) at desk; the model gives it once
 */
import { tradeSystem } from './system.ts';

export default tradeSystem({ name: 'trades-double-count', bug: 'decide-every-delivery' });
