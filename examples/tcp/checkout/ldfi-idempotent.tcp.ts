/**
 * The fix: every attempt of a charge carries the order's Idempotency-Key, and the payment service
 * answers a key it has seen with its first answer, charging nothing.
 *
 * Expected (defaults): resilient to every omission, failed request (503), reset, dropped connection
 * and partition in rounds 1–4.
 */
import { checkoutSystem } from './system.ts';

export default checkoutSystem({ name: 'checkout-idempotent', idempotent: true });
