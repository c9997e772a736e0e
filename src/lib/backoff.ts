// Waiting for something that takes minutes to settle (a role assignment, a new identity): a doubling delay, capped,
// never past the time left, and no retry after the wait has ended. Pure.

/** Delay before retry `retry` (1-based): `baseMs` doubling to `maxMs`, never more than `timeLeftMs`, never below 0. */
function doublingDelayMs(retry: number, baseMs: number, maxMs: number, timeLeftMs: number): number {
  return Math.max(0, Math.min(baseMs * 2 ** (retry - 1), maxMs, timeLeftMs))
}

/** How long before the end of a wait its last retry is timed: a timer fires a little late, and a retry must start
 *  before the wait ends, never after it. */
export const RETRY_LEAD_MS = 100

/** Delay before retry `retry` of a wait with `timeLeftMs` left, timed to start before the wait ends; undefined when
 *  no retry can start in the time left. */
export function retryDelayWithinMs(
  retry: number,
  baseMs: number,
  maxMs: number,
  timeLeftMs: number
): number | undefined {
  const room = timeLeftMs - RETRY_LEAD_MS
  return room > 0 ? doublingDelayMs(retry, baseMs, maxMs, room) : undefined
}
