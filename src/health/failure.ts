// What a failed health check says: the status against the expected ones, the service's own diagnostics made safe
// to show, and for 401 or 403 what it means and what to do.

import { isRecord } from '../lib/guards.js'
import { capitalize, sanitizeServerText } from '../lib/text.js'
import type { IssuedToken } from '../signin/issued-token.js'
import type { Target } from '../target/read.js'
import { explainAccessDenied } from './explain-access.js'
import { type Attempt, firstHeader } from './http.js'
import type { HealthCheckSpec } from './read.js'

/** Longest server text quoted in a check's error. */
const MAX_DIAGNOSTICS_LENGTH = 300

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
  const said = attempt.body ? serverDiagnostics(attempt.body, [token.token, ...redact]) : ''
  const line = capitalize(said ? `${got}: ${said}` : got)
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

/**
 * The gist of an error body (an OperationOutcome's diagnostics, or plain text, as DICOM's 403 is), made safe to show:
 * one line, shortened, with any echoed secret removed.
 */
export function serverDiagnostics(body: string, secrets: readonly string[]): string {
  let text = body
  try {
    const parsed: unknown = JSON.parse(body)
    const issues = isRecord(parsed) && Array.isArray(parsed.issue) ? (parsed.issue as unknown[]) : []
    const said = issues
      .map(issue => (isRecord(issue) ? (issue.diagnostics ?? issue.code) : undefined))
      .filter((value): value is string => typeof value === 'string')
    if (said.length > 0) text = said.join('; ')
    else if (isRecord(parsed) && typeof parsed.message === 'string') text = parsed.message
  } catch {
    // Not JSON: plain text.
  }
  return sanitizeServerText(text, secrets, MAX_DIAGNOSTICS_LENGTH)
}
