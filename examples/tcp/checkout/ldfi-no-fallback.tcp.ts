/**
 * The fix of ldfi-fallback.tcp.ts: a failed reservation is retried (backing off), never answered from
 * memory; an order inventory cannot reserve is not confirmed.
 *
 * Expected: resilient on the inventory link (--only-faults 'omit:checkout↔inventory;
 * fail:checkout→inventory; reset:checkout↔inventory'), where the fallback breaks.
 */
import { checkoutSystem } from './system.ts';

export default checkoutSystem({ name: 'checkout-no-fallback', idempotent: true, thirdOrder: true });
