// Waiting for something that takes minutes to settle (a role assignment, a new identity): a doubling delay, capped,
// never past the time left. Pure.

/** Delay before retry `retry` (1-based): `baseMs` doubling to `maxMs`, never more than `timeLeftMs`, never below 0. */
export function doublingDelayMs(retry: number, baseMs: number, maxMs: number, timeLeftMs: number): number {
  return Math.max(0, Math.min(baseMs * 2 ** (retry - 1), maxMs, timeLeftMs))
}
