// Turns a sign-in failure into one message a person can act on: what happened in one plain sentence, what to change,
// and the identifiers a support case needs. Pure: the caller decides where the text goes (only through @actions/core,
// since it can hold server text).

import { ActionError, AnswerTooLargeError, GitHubTokenError, UnreadableAnswerError } from '../../errors.js'
import { oneLine, sanitizeServerText } from '../../lib/text.js'
import { entraExplanation } from './aadsts.js'
import { explainServiceConnectionToken } from './azure-pipelines.js'
import { explainGitHubTokenFailure } from './github.js'
import { errorChain, messageOf } from './chain.js'
import type { SignInContext } from './context.js'
import { readEntraFailure, supportLine } from './entra-failure.js'
import {
  readTransportFailure,
  tooLargeExplanation,
  transportExplanation,
  unreadableAnswerExplanation
} from './transport.js'

/** One ActionError with a plain sentence, the fix, and the AADSTS code, trace ID and correlation ID kept for support. */
export function explainSignInFailure(error: unknown, context: SignInContext): ActionError {
  // The GitHub token's request failed: explained as that, however the library wrapped it since.
  const github = errorChain(error).find(link => link instanceof GitHubTokenError)
  if (github instanceof GitHubTokenError)
    return explainGitHubTokenFailure(github.cause, github.endpoint, context.secrets)
  // Azure DevOps did not hand over the service connection's token: Entra ID was never asked.
  if (context.assertionSource !== undefined) {
    return explainServiceConnectionToken(
      context.assertionSource,
      context.signIn.serviceConnectionId ?? '(none)',
      context
    )
  }
  const failure = readEntraFailure(error)
  if (failure.code) return entraExplanation(failure, context)
  // @actions/core's own words for a job without the OIDC permission, should its check be reached first.
  if (/ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN)/.test(messageOf(error))) return explainMissingOidcPermission()
  const specific = context.explainOwn?.(error)
  if (specific) return specific
  if (error instanceof UnreadableAnswerError) return unreadableAnswerExplanation(error, context)
  if (error instanceof AnswerTooLargeError) return tooLargeExplanation(error, context)
  const transport = readTransportFailure(error)
  if (transport) return transportExplanation(transport, error, context)
  const lines = [
    `Signing in (${context.signIn.type}) for the resource '${oneLine(context.resource)}' failed.`,
    `Details: ${sanitizeServerText(messageOf(error), context.secrets)}`
  ]
  const support = supportLine(failure)
  if (support) lines.push(support)
  return new ActionError('Sign-in failed', lines.join('\n'))
}

/** OIDC without ACTIONS_ID_TOKEN_REQUEST_*: needs `permissions: id-token: write` (show the YAML); forks/Dependabot get none. */
export function explainMissingOidcPermission(): ActionError {
  return new ActionError(
    'OIDC token unavailable: add permissions id-token: write',
    [
      'auth-type oidc signs in with a GitHub OIDC token, but ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN ' +
        'are not set: the job is not allowed to request one.',
      'Fix: grant the permission to the job (or the whole workflow). Setting permissions replaces the defaults, so keep ' +
        'what the job needs, such as contents: read:',
      '  permissions:',
      '    id-token: write',
      '    contents: read',
      'Pull requests from forks never get an OIDC token, and Dependabot runs do not by default: skip this step for them ' +
        "(for example, if: github.event.pull_request.head.repo.fork != true && github.actor != 'dependabot[bot]') " +
        'or use another auth-type.'
    ].join('\n')
  )
}
