// Waiting for a new identity: right after an app registration, a federated credential, a client secret or a service
// is created, Microsoft Entra ID refuses it for a few minutes while it replicates. With wait-for-access above 0, a
// sign-in refused with one of those codes is tried again until it passes or the wait runs out; any other refusal,
// and any refusal without wait-for-access, ends the sign-in at once.

import { retryDelayWithinMs } from '../lib/backoff.js'
import { formatSeconds } from '../lib/durations.js'
import { PROPAGATION_CODES } from './explain/sign-in-errors.js'
import { readEntraFailure } from './explain/entra-failure.js'

/** First wait after a refusal, doubled per retry up to the longest: replication takes minutes, not seconds. */
export const PROPAGATION_BASE_MS = 2000
export const PROPAGATION_MAX_MS = 30_000

export interface PropagationWait {
  /** When wait-for-access runs out (ms since the epoch); the health checks that follow share the same end. */
  readonly waitUntil: number
  readonly now: () => number
  readonly sleep: (ms: number) => Promise<void>
  /** core.info in production: one line per retry, with the code and the time left. */
  readonly info: (line: string) => void
}

/** The AADSTS code of a refusal that replication explains, if the error is one. */
export function propagationCode(error: unknown): string | undefined {
  const code = readEntraFailure(error).code
  return code !== undefined && PROPAGATION_CODES.has(code) ? code : undefined
}

/**
 * Runs `attempt` until it passes, retrying a propagation refusal while the wait lasts; throws the last failure. No
 * retry starts after the wait has ended: the last one is timed to start just before.
 */
export async function untilPropagated<T>(attempt: () => Promise<T>, wait: PropagationWait): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await attempt()
    } catch (error) {
      const code = propagationCode(error)
      const timeLeft = wait.waitUntil - wait.now()
      const delay = retryDelayWithinMs(retry, PROPAGATION_BASE_MS, PROPAGATION_MAX_MS, timeLeft)
      if (code === undefined || delay === undefined) throw error
      wait.info(
        `Sign-in refused with ${code} (a just-created identity, secret or service is refused until it replicates); ` +
          `retry ${retry} in ${formatSeconds(delay)}, ${formatSeconds(timeLeft)} left of wait-for-access`
      )
      await wait.sleep(delay)
      // A timer that fired late: the wait is over, and the last refusal stands.
      if (wait.now() >= wait.waitUntil) throw error
    }
  }
}
