// A tool session made from a GitHub OIDC token (azure/login's `az login --federated-token`) once that token has
// expired: the tool cannot renew it, and Microsoft Entra ID refuses each of its token requests with AADSTS700024. The
// Azure identity library reports it only as "not logged in", so the explanation says what really happened.

import { ActionError } from '../../errors.js'
import { sanitizeServerText } from '../../lib/text.js'
import { signInError } from './sign-in-errors.js'
import { chainText, isCredentialUnavailable, messageOf } from './chain.js'

export function explainStaleSession(
  error: unknown,
  authType: string,
  secrets: readonly string[],
  expiredAtMs: number | undefined
): ActionError | undefined {
  const entry = signInError('AADSTS700024', authType)
  if (expiredAtMs === undefined || entry === undefined) return undefined
  if (!isCredentialUnavailable(error) && !/\blogin\b/i.test(chainText(error))) return undefined
  return new ActionError(
    'Sign-in refused (AADSTS700024)',
    [
      `The Azure CLI's session was signed in with az login --federated-token, and that GitHub OIDC token expired at ` +
        `${new Date(expiredAtMs).toISOString()}: Microsoft Entra ID now refuses the CLI's token requests (AADSTS700024).`,
      entry.summary,
      `Fix: ${entry.fix}`,
      `Details: ${sanitizeServerText(messageOf(error), secrets)}`
    ].join('\n')
  )
}
