// Hands the results to later steps: the tokens and what they are for, and the health of the services.

import * as core from '@actions/core'
import type { HealthReport, ServiceToken } from '../health/run.js'
import type { IssuedToken } from '../signin/issued-token.js'
import type { ExportVariable } from '../target/export-variable.js'

/**
 * Hands the tokens to later steps, each masked before it is written anywhere. Each service's token goes to its own
 * outputs (`fhir-token`, `fhir-expires-on`, ...); `token`, `expires-on` and `resource` hold the step's token when it
 * has exactly one, and are left unset when it has several, so that no step takes one service's token for another's.
 */
export function publishTokens(tokens: readonly ServiceToken[], exportVariables: readonly ExportVariable[]): void {
  for (const { token } of tokens) core.setSecret(token.token)
  const [only] = tokens
  if (tokens.length === 1 && only !== undefined) {
    core.setOutput('token', only.token.token)
    core.setOutput('expires-on', only.token.expiresOn.toISOString())
    core.setOutput('resource', only.token.resource)
  }
  for (const { target, token } of tokens) {
    if (target.kind === 'resource') continue
    core.setOutput(`${target.kind}-token`, token.token)
    core.setOutput(`${target.kind}-expires-on`, token.expiresOn.toISOString())
  }
  // One sign-in: every token names the same identity.
  core.setOutput('object-id', only?.token.claims.oid ?? '')
  core.setOutput('app-id', only?.token.claims.appId ?? '')
  core.setOutput('tenant-id', only?.token.claims.tenantId ?? '')
  for (const { kind, name } of exportVariables) {
    const token = tokens.find(each => each.target.kind === kind)?.token.token
    if (token !== undefined) core.exportVariable(name, token)
  }
}

export function publishHealth(report: HealthReport): void {
  core.setOutput('health', report.health)
  core.setOutput('health-report', JSON.stringify(report.checks))
}

/**
 * The one line a successful sign-in logs per token: who, for what, until when. Never the token. The claims are GUIDs
 * or absent (readTokenClaims), and the resource is one line of plain text (readConfig).
 */
export function describeSignIn(token: IssuedToken): string {
  const { appId, oid, tenantId } = token.claims
  return (
    `Signed in with ${token.signInMethod}: token for ${token.resource} ` +
    `(app ID ${appId ?? 'unknown'}, object ID ${oid ?? 'unknown'}, tenant ${tenantId ?? 'unknown'}), ` +
    `expires ${token.expiresOn.toISOString()}`
  )
}
