// Checks that prove nothing about the token: the services answer some endpoints without one (the FHIR capability
// statement and SMART configuration, and the health endpoints of both), so a list of only those passes with any token,
// or none. Such a list gets a warning naming a check that does need the identity's read role.

import type { TargetKind } from '../target/read.js'
import { serviceOf } from '../target/services/registry.js'

/** What of a check this needs: the path as written and the resolved URL (read.ts builds them, and calls this). */
interface Check {
  readonly path: string
  readonly url: string
}

/** Paths (under the service URL, or from the origin's root) answered without a token. */
function anonymousPaths(kind: TargetKind): readonly string[] {
  return kind === 'resource' ? [] : serviceOf(kind).anonymousPaths
}

/** True when the service answers this check without a token. */
export function isAnonymousCheck(spec: Check, kind: TargetKind, serviceUrl: string): boolean {
  const base = new URL(serviceUrl).pathname.replace(/\/+$/, '').toLowerCase()
  const pathname = decoded(new URL(spec.url).pathname).replace(/\/+$/, '').toLowerCase()
  const underBase = pathname.startsWith(`${base}/`) ? pathname.slice(base.length + 1) : undefined
  const fromRoot = pathname.replace(/^\//, '')
  return anonymousPaths(kind).some(path => path === underBase || path === fromRoot)
}

function decoded(path: string): string {
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

/**
 * A warning when every check targets an endpoint answered without a token, naming the first of the service's default
 * checks that needs a read role; undefined otherwise.
 */
export function anonymousOnlyWarning(
  checks: readonly Check[],
  kind: TargetKind,
  serviceUrl: string,
  defaults: readonly string[]
): string | undefined {
  if (checks.length === 0 || !checks.every(check => isAnonymousCheck(check, kind, serviceUrl))) return undefined
  const proving = defaults.find(path => !anonymousPaths(kind).includes(path))
  const paths = checks.map(check => check.path).join(', ')
  return (
    `health-check-paths: every check (${paths}) targets an endpoint the service answers without a token, so the ` +
    "checks do not prove that the token or the identity's access works." +
    (proving === undefined ? '' : ` Add a check that needs a read role and reads no patient data: ${proving}`)
  )
}
