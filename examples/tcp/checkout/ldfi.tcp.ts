/**
 * Lesson: a retried call must be idempotent. Checkout retries a charge whose answer it never got;
 * without an idempotency key the payment service cannot tell the retry from a new charge, and the
 * customer pays twice: the Stripe-style bug the chaos-engineering record is full of.
 *
 * Expected (defaults): broken, `omit payment→checkout @4` (the charge's answer lost) or
 * `reset payment→checkout @4` (cut mid-response): duplicated: order o1 came out 2 times at payment.
 * The fixed system is ldfi-idempotent.tcp.ts.
 */
import { checkoutSystem } from './system.ts';

export default checkoutSystem({ name: 'checkout', idempotent: false });
