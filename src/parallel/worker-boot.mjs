// The entry of ldfi's worker threads (plain JavaScript, so that a thread can start without a loader):
// registers tsx in this thread, then loads the TypeScript worker module.
import { register } from 'tsx/esm/api';
import { registerSourceCondition } from '../../bin/source-condition.js';

registerSourceCondition();
register();
const worker = await import(new URL('./worker.ts', import.meta.url).href);
export default worker.default;
