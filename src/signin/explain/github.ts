// Failures of the request for the GitHub OIDC token: @actions/core reports them in its own words ("Response json body
// do not have ID Token field", "Failed to get ID Token. Error Code : 500"), which name neither GitHub's endpoint nor
// the cause. Each gets its own explanation naming the endpoint.

import { ActionError } from '../../errors.js'
import { sanitizeServerText } from '../../lib/text.js'
import { messageOf } from './chain.js'
import { readTransportFailure } from './transport.js'

const RERUN =
  "Fix: this is on GitHub's side or on the way to it: re-run the job; if it persists, check https://www.githubstatus.com " +
  'and any proxy between the runner and GitHub.'

/** The request to `endpoint` failed with `error` (core's, or the HTTP client's), or answered without a token. */
export function explainGitHubTokenFailure(
  error: unknown,
  endpoint: string,
  secrets: readonly string[] = []
): ActionError {
  const said = sanitizeServerText(messageOf(error), secrets)
  const title = 'GitHub OIDC token unavailable'
  const transport = readTransportFailure(error)
  if (transport?.kind === 'tls') {
    return new ActionError(
      `${title}: TLS error with GitHub`,
      [
        `The TLS connection to GitHub's OIDC endpoint ${endpoint} failed (${transport.code}): the certificate presented is not trusted, or not for that host.`,
        'Fix: a proxy that inspects TLS presents its own certificate authority: give its CA file to Node with ' +
          'NODE_EXTRA_CA_CERTS. Never turn certificate checks off.',
        `Details: ${said}`
      ].join('\n')
    )
  }
  if (transport?.kind === 'network') {
    return new ActionError(
      `${title}: cannot reach GitHub`,
      [
        `Could not reach GitHub's OIDC endpoint ${endpoint}: ${transport.what} (${transport.code}).`,
        'Fix: if the runner reaches the internet only through a proxy, set HTTPS_PROXY (and NO_PROXY) for the step.',
        `Details: ${said}`
      ].join('\n')
    )
  }
  const status = /Error Code : (\d{3})/.exec(messageOf(error))?.[1]
  if (status !== undefined) {
    return new ActionError(
      `${title}: GitHub answered HTTP ${status}`,
      [
        `GitHub's OIDC endpoint ${endpoint} answered HTTP ${status} instead of a token.`,
        RERUN,
        `Details: ${said}`
      ].join('\n')
    )
  }
  if (!/do not have ID Token field|not a JWT/.test(messageOf(error))) {
    return new ActionError(
      `${title}: the request to GitHub failed`,
      [`The request to GitHub's OIDC endpoint ${endpoint} failed.`, RERUN, `Details: ${said}`].join('\n')
    )
  }
  // core's own words here ("Response json body do not have ID Token field") say nothing the sentence does not.
  return new ActionError(
    `${title}: GitHub answered without a token`,
    [`GitHub's OIDC endpoint ${endpoint} answered, but not with a token (no JWT in its "value" field).`, RERUN].join(
      '\n'
    )
  )
}
