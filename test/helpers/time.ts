/**
 * Time limits in tests are hang guards, never speed checks: each is multiplied by LDFI_TEST_SLOWNESS
 * (default 1), which a loaded CI machine sets higher (e.g. 4). No test asserts how fast anything is.
 */
export const SLOWNESS = Math.max(1, Number(process.env.LDFI_TEST_SLOWNESS) || 1);

/** `n` ms of real time, scaled for a slow machine. */
export function ms(n: number): number {
  return n * SLOWNESS;
}
