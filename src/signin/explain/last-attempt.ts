// What really happened, when the library's error hides it: MSAL replaces a timeout, a refused connection or an
// unreadable answer by a bare network_error; a TLS failure while it reads the sign-in host's configuration by
// endpoints_resolution_error; and an answer that is not JSON (a proxy's HTML page) by a parse error that quotes the
// answer's headers. The HTTP client's record of the last request tells the truth.

import { UnreadableAnswerError } from '../../errors.js'
import type { SignInState } from '../pipeline.js'
import { errorChain } from './chain.js'

/** The error to explain: the library's own, or what the last request really ran into. */
export function whatReallyHappened(error: unknown, state: SignInState): unknown {
  const last = state.last
  // The action's own errors (the GitHub token's, a deadline) say what happened already.
  if (last === undefined || errorChain(error).some(link => OWN_ERRORS.has(String(link.name)))) return error
  if ('transportError' in last) {
    return hasCode(error, 'network_error', 'endpoints_resolution_error') ? last.transportError : error
  }
  const { endpoint, status, contentType, json } = last.answer
  // A success the library still refused (no token in it, no expiry) was not a token response either; but a
  // configuration it read and found wrong (an issuer on another host) is explained as that.
  const refusedSuccess = status >= 200 && status < 300 && !hasCode(error, 'endpoints_resolution_error')
  if (json === false || refusedSuccess || hasCode(error, 'network_error')) {
    return new UnreadableAnswerError(endpoint, status, contentType)
  }
  return error
}

const OWN_ERRORS: ReadonlySet<string> = new Set([
  'ActionError',
  'DeadlineError',
  'AnswerTooLargeError',
  'ToolTimeoutError',
  'GitHubTokenError'
])

/** MSAL's error code, possibly wrapped by @azure/identity. */
function hasCode(error: unknown, ...codes: string[]): boolean {
  for (let link: unknown = error, depth = 0; link instanceof Error && depth < 8; link = link.cause, depth++) {
    const code = (link as { errorCode?: unknown }).errorCode
    if (codes.some(c => code === c || link.message.startsWith(c))) return true
  }
  return false
}
