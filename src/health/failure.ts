// What a failed health check says: the status against the expected ones, what of the answer may be shown (never a
// successful answer's body, of an error only its structure and the services' known fixed texts), and for 400, 401 or
// 403 what it means and what to do.

import { capitalize } from '../lib/text.js'
import type { IssuedToken } from '../signin/issued-token.js'
import type { Target } from '../target/read.js'
import { serviceOf } from '../target/services/registry.js'
import { errorDiagnostics } from './diagnostics.js'
import { explainAccessDenied } from './explain-access.js'
import { explainRefusedParameter } from './explain-search.js'
import { type Attempt, firstHeader } from './http.js'
import type { HealthCheckSpec } from './read.js'

export function describeFailure(
  attempt: Attempt,
  spec: HealthCheckSpec,
  target: Target,
  token: IssuedToken,
  redact: readonly string[]
): string {
  const { status, failure } = attempt
  if (failure === 'timeout') return `no answer within the health-check-timeout (${attempt.message ?? 'timed out'})`
  if (failure === 'reset' || failure === 'connection') return `no answer: ${attempt.message ?? failure}`
  if (failure === 'refused' || failure === 'redirect') return capitalize(attempt.message ?? failure)
  const got = `expected ${spec.expected.join(' or ')}, got ${String(status)}`
  if (status === undefined || status < 400) return unexpectedSuccess(got, spec)

  const diagnostics = errorDiagnostics(
    {
      status,
      body: attempt.body ?? '',
      contentType: attempt.headers ? firstHeader(attempt.headers, 'content-type') : undefined,
      length: attempt.bodyLength ?? Buffer.byteLength(attempt.body ?? '')
    },
    spec.url,
    [token.token, ...redact]
  )
  const line = capitalize(diagnostics.kind === 'none' ? got : `${got}: ${diagnostics.text}`)
  const searches = target.kind !== 'resource' && serviceOf(target.kind).searchParameters === true
  if (status === 400 && searches && diagnostics.kind === 'structured') {
    const refused = explainRefusedParameter(spec, diagnostics.unsupportedParameters)
    return refused === undefined ? line : `${line}\n${refused}`
  }
  if (status !== 401 && status !== 403) return line
  const explanation = explainAccessDenied({
    status,
    kind: target.kind,
    resource: token.resource,
    serviceUrl: target.serviceUrl,
    claims: token.claims,
    wwwAuthenticate: attempt.headers ? firstHeader(attempt.headers, 'www-authenticate') : undefined
  })
  return `${line}\n${explanation}`
}

/** A 1xx/2xx/3xx the check did not expect: said so, and that its body is withheld, since it may hold patient data. */
function unexpectedSuccess(got: string, spec: HealthCheckSpec): string {
  const denialExpected = spec.expected.every(status => status === 401 || status === 403)
  const meaning = denialExpected
    ? ': the service allowed a request this check expects it to refuse, so the identity has more access than the ' +
      'check allows'
    : ''
  return capitalize(`${got}${meaning}. The answer's body is not shown: it may hold patient data.`)
}
