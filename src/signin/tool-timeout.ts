// A tool's sign-in (az, pwsh) ended by its time limit. The identity library kills the process at the limit and then
// reports only that its output was not JSON, as it would for a tool that printed something unexpected: the time it
// took tells the two apart.

import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity'

export class ToolTimeoutError extends Error {
  readonly timeoutMs: number
  constructor(timeoutMs: number, options: { cause: unknown }) {
    super(`the process did not finish within ${String(timeoutMs / 1000)} s and was stopped`, options)
    this.name = 'ToolTimeoutError'
    this.timeoutMs = timeoutMs
  }
}

/** Margin under the limit that still counts as reaching it (the kill and its report take a moment; timers are late,
 *  never early). */
const MARGIN_MS = 250

/** The credential itself (still of its class), its failures at its process time limit made ToolTimeoutError. */
export function timedToolCredential<C extends TokenCredential>(
  credential: C,
  timeoutMs: number,
  now: () => number = Date.now
): C {
  const getToken = credential.getToken.bind(credential)
  credential.getToken = async (scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => {
    const started = now()
    try {
      return await getToken(scopes, options)
    } catch (error) {
      if (now() - started >= timeoutMs - MARGIN_MS) throw new ToolTimeoutError(timeoutMs, { cause: error })
      throw error
    }
  }
  return credential
}
