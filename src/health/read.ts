// Reads the health-check inputs into the checks to run: which paths (with the statuses each accepts), resolved
// against the service URL so that the token can only go to the service, and how long to wait.

import { InputError } from '../errors.js'
import { type RawInputs, readBoolean, readDuration } from '../inputs.js'
import { CONTROL_CHARACTERS, parseUrl } from '../lib/guards.js'
import { show } from '../lib/text.js'
import type { Target } from '../target/read.js'
import { type ServiceKind, SERVICE_KINDS, serviceOf } from '../target/services/registry.js'
import { anonymousOnlyWarning } from './anonymous.js'
import { auditHeaders } from './audit.js'

export interface HealthCheckSpec {
  /** The line's path as the user wrote it (for reports). */
  readonly path: string
  /** Absolute https URL on the service's own origin. */
  readonly url: string
  /** Statuses that count as a pass. */
  readonly expected: readonly number[]
}

export interface HealthConfig {
  readonly checks: readonly HealthCheckSpec[]
  readonly waitForAccessMs: number
  readonly timeoutMs: number
  readonly failOnUnhealthy: boolean
  /** Sent with every check besides the token: FHIR's strict search handling and, unless turned off, audit headers. */
  readonly requestHeaders: Readonly<Record<string, string>>
}

const MAX_HEALTH_CHECKS = 50
const MAX_WAIT_FOR_ACCESS_MS = 6 * 60 * 60 * 1000 // a GitHub-hosted job's own limit
const MAX_HEALTH_CHECK_TIMEOUT_MS = 10 * 60 * 1000
/** Each service's defaults, which read no patient data (see each service's file). */
export const DEFAULT_CHECKS: Readonly<Record<ServiceKind, readonly string[]>> = Object.fromEntries(
  SERVICE_KINDS.map(kind => [kind, serviceOf(kind).defaultChecks])
) as Record<ServiceKind, readonly string[]>

/** The health checks to run, or undefined when none were asked for. Throws InputError. */
export function readHealth(
  raw: RawInputs,
  target: Target,
  env: NodeJS.ProcessEnv = {},
  warnings: string[] = []
): HealthConfig | undefined {
  const asked = readBoolean('health-check', raw['health-check'], false)
  const lines = readHealthCheckLines(raw['health-check-paths'])
  const waitForAccessMs = readWaitForAccess(raw)
  const timeoutMs = readDuration(
    'health-check-timeout',
    raw['health-check-timeout'] || '30s',
    MAX_HEALTH_CHECK_TIMEOUT_MS,
    false
  )
  const failOnUnhealthy = readBoolean('fail-on-unhealthy', raw['fail-on-unhealthy'], true)
  const sendAuditHeaders = readBoolean('audit-headers', raw['audit-headers'], true)
  if (!asked && lines.length === 0) return undefined

  const { serviceUrl } = target
  if (serviceUrl === undefined || target.kind === 'resource') {
    throw new InputError(
      lines.length > 0 ? 'health-check-paths' : 'health-check',
      'needs a service to check, and resource alone names none: set fhir-url or dicom-url (resource may stay, to ' +
        'override the audience), or remove the health check.'
    )
  }
  const specs = lines.length > 0 ? lines : DEFAULT_CHECKS[target.kind].map(path => ({ path, expected: [200] as const }))
  const service = serviceOf(target.kind)
  const checks: HealthCheckSpec[] = specs.map(({ path, expected }) => {
    const url = resolveCheckUrl(path, serviceUrl)
    return { path, url: service.checkUrl?.(new URL(url)).href ?? url, expected }
  })
  const anonymousOnly = anonymousOnlyWarning(checks, target.kind, serviceUrl, DEFAULT_CHECKS[target.kind])
  if (anonymousOnly !== undefined) warnings.push(anonymousOnly)
  const requestHeaders = service.checkHeaders(sendAuditHeaders ? auditHeaders(env) : {})
  return { checks, waitForAccessMs, timeoutMs, failOnUnhealthy, requestHeaders }
}

/** wait-for-access: how long a new identity's sign-in and then the checks may wait for access, in ms. */
export function readWaitForAccess(raw: RawInputs): number {
  return readDuration('wait-for-access', raw['wait-for-access'] || '0', MAX_WAIT_FOR_ACCESS_MS, true)
}

interface CheckLine {
  readonly path: string
  readonly expected: readonly number[]
}

/** `PATH [STATUS[,STATUS...]]` per line; blank lines and `#` comments are skipped. */
function readHealthCheckLines(text: string): CheckLine[] {
  const input = 'health-check-paths'
  const lines: CheckLine[] = []
  for (const [index, rawLine] of text.split(/\r?\n/).entries()) {
    // A `#` at the start or after a space starts a comment; inside a path it would be a fragment (refused later).
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim()
    if (line === '') continue
    const where = `line ${index + 1} (${show(line)})`
    const [path = '', statuses, ...rest] = line.split(/\s+/)
    if (CONTROL_CHARACTERS.test(path)) {
      throw new InputError(input, `${where} has a control character in its path: write the path as plain text.`)
    }
    if (rest.length > 0) {
      throw new InputError(
        input,
        `${where} has more than a path and a status list: write "PATH [STATUS[,STATUS...]]", without spaces in the list.`
      )
    }
    lines.push({ path, expected: statuses === undefined ? [200] : readStatuses(statuses, where) })
  }
  if (lines.length > MAX_HEALTH_CHECKS) {
    throw new InputError(input, `has ${lines.length} checks, more than ${MAX_HEALTH_CHECKS}: remove some.`)
  }
  return lines
}

function readStatuses(list: string, where: string): number[] {
  const statuses = list.split(',').map(item => {
    const status = /^\d{3}$/.test(item) ? Number(item) : NaN
    if (!(status >= 100 && status <= 599)) {
      throw new InputError(
        'health-check-paths',
        `${where}: ${show(item)} is not an HTTP status: use numbers from 100 to 599 separated by commas, e.g. 200,204.`
      )
    }
    return status
  })
  return [...new Set(statuses)]
}

/**
 * Resolves a check's path against the service URL. A relative path, with or without a leading slash, stays under
 * the service URL (so `/metadata` keeps a FHIR base path and `/changefeed` keeps the DICOM version); anything else on
 * the origin needs an absolute https URL on that same origin. `.`/`..` segments, which would climb out, are refused.
 */
function resolveCheckUrl(path: string, serviceUrl: string): string {
  const input = 'health-check-paths'
  const service = new URL(serviceUrl)
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) {
    const url = parseUrl(path)
    if (url !== undefined && (url.username !== '' || url.password !== '' || url.hash !== '')) {
      throw new InputError(input, 'has a URL with a user name, password or fragment: remove them.')
    }
    if (url === undefined || url.protocol !== 'https:' || url.origin !== service.origin) {
      throw new InputError(
        input,
        `${show(path)} is not on the service's origin ${service.origin}: the token goes only there. ` +
          'Use a path relative to the service URL, or an https URL on its origin.'
      )
    }
    return url.href
  }
  const [pathPart = ''] = path.split('?', 1)
  const climbs = pathPart.split('/').some(segment => /^(?:\.|%2e){1,2}$/i.test(segment))
  if (path.startsWith('//') || path.includes('\\') || path.includes('#') || climbs) {
    throw new InputError(
      input,
      `${show(path)} is not a plain path: remove '//', '\\', '#', '.' and '..' (paths stay under ${serviceUrl}).`
    )
  }
  const url = new URL(`${serviceUrl}/${path.replace(/^\//, '')}`)
  // Belt and braces: whatever the URL parser normalised, the check must stay under the service URL.
  if (url.origin !== service.origin || !url.pathname.startsWith(service.pathname.replace(/\/?$/, '/'))) {
    throw new InputError(input, `${show(path)} leaves the service URL ${serviceUrl}: use a path under it.`)
  }
  return url.href
}
