// When a health check is tried again: a transient answer a few times whatever wait-for-access says, a refusal that
// role propagation explains for as long as wait-for-access lasts, anything else never.

import { retryDelayWithinMs } from '../lib/backoff.js'
import type { Attempt } from './http.js'

/** Retries of a transient answer (429, 502, 503, 504, reset), allowed even when wait-for-access is 0. */
export const TRANSIENT_RETRIES = 3

/** First transient backoff, doubled per retry and jittered when the server does not say how long to wait. */
const TRANSIENT_BASE_MS = 1000

/** Longest wait a Retry-After header can impose: a server asking for minutes gets a failed check instead. */
export const MAX_RETRY_AFTER_MS = 30_000

/** wait-for-access backoff: 2s doubling to 30s, no retry after the deadline. */
export const ACCESS_BASE_MS = 2000

export const ACCESS_MAX_MS = 30_000

const TRANSIENT_STATUSES: readonly number[] = [429, 502, 503, 504]

/** Delay before transient retry `retry` (1-based): the server's wait (capped) or a jittered doubling. */
export function transientDelayMs(retry: number, serverWaitMs: number | undefined, random: () => number): number {
  if (serverWaitMs !== undefined) return Math.min(serverWaitMs, MAX_RETRY_AFTER_MS)
  const base = TRANSIENT_BASE_MS * 2 ** (retry - 1)
  // "Equal jitter": at least half the base, so retries still back off, spread so concurrent checks do not align.
  return Math.round(base / 2 + random() * (base / 2))
}

/** Delay before wait-for-access retry `retry` (1-based): 2s doubling to 30s, timed to start before the wait ends;
 *  undefined when no retry can start in the time left. */
export function accessDelayMs(retry: number, timeLeftMs: number): number | undefined {
  return retryDelayWithinMs(retry, ACCESS_BASE_MS, ACCESS_MAX_MS, timeLeftMs)
}

export type Verdict = 'ok' | 'transient' | 'access' | 'final'

/**
 * ok: an expected status. transient: retried a few times whatever wait-for-access says. access: retried while
 * wait-for-access lasts (role propagation, a service still starting). A timeout counts as `access`, not transient:
 * with wait-for-access 0 a never-answering endpoint then costs one timeout, not four.
 */
export function verdict(attempt: Attempt, expected: readonly number[]): Verdict {
  switch (attempt.failure) {
    case 'reset':
      return 'transient'
    case 'timeout':
    case 'connection':
      return 'access'
    case 'redirect':
    case 'refused':
      return 'final'
    case undefined:
      break
  }
  const status = attempt.status
  if (status === undefined) return 'final'
  if (expected.includes(status)) return 'ok'
  if (TRANSIENT_STATUSES.includes(status)) return 'transient'
  if (status === 401 || status === 403 || status >= 500) return 'access'
  return 'final'
}
