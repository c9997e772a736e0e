// Hands the results to later steps: the token and what it is for, and the health of the service.

import * as core from '@actions/core'
import type { HealthReport } from '../health/run.js'
import type { IssuedToken } from '../signin/issued-token.js'

/** Hands the token to later steps. The token is masked before it is written anywhere. */
export function publishToken(token: IssuedToken, exportVariable: string | undefined): void {
  core.setSecret(token.token)
  core.setOutput('token', token.token)
  core.setOutput('expires-on', token.expiresOn.toISOString())
  core.setOutput('resource', token.resource)
  core.setOutput('object-id', token.claims.oid ?? '')
  core.setOutput('app-id', token.claims.appId ?? '')
  core.setOutput('tenant-id', token.claims.tenantId ?? '')
  if (exportVariable !== undefined) core.exportVariable(exportVariable, token.token)
}

export function publishHealth(report: HealthReport): void {
  core.setOutput('health', report.health)
  core.setOutput('health-report', JSON.stringify(report.checks))
}

/**
 * The one line a successful sign-in logs: who, for what, until when. Never the token. The claims are GUIDs or absent
 * (readTokenClaims), and the resource is one line of plain text (readConfig).
 */
export function describeSignIn(token: IssuedToken): string {
  const { appId, oid, tenantId } = token.claims
  return (
    `Signed in with ${token.signInMethod}: token for ${token.resource} ` +
    `(app ID ${appId ?? 'unknown'}, object ID ${oid ?? 'unknown'}, tenant ${tenantId ?? 'unknown'}), ` +
    `expires ${token.expiresOn.toISOString()}`
  )
}
