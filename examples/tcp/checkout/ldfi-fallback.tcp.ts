/**
 * Lesson: a fallback must not pass stale data off as fresh. When a reservation fails, this checkout
 * confirms the order from the stock level inventory's last answer carried, as if inventory had said
 * yes: the order is confirmed, charged, and never reserved (stock oversold), a Hystrix-style fallback
 * the chaos-engineering record knows well.
 *
 * Expected (defaults): broken, e.g. `fail checkout→inventory @3 with 503` (the third order's
 * reservation): lost: order o3 (in at checkout @3) never came out at inventory. The fix,
 * ldfi-no-fallback.tcp.ts, retries the reservation instead.
 */
import { checkoutSystem } from './system.ts';

export default checkoutSystem({ name: 'checkout-fallback', idempotent: true, fallback: true, thirdOrder: true });
