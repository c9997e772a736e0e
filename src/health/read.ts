// Reads the health-check inputs into the checks to run, per service: which paths (with the statuses each accepts),
// resolved against the service's URL so that its token can only go to it, and how long each request may take.

import { InputError } from '../errors.js'
import { type RawInputs, readBoolean, readDuration } from '../inputs.js'
import { CONTROL_CHARACTERS, parseUrl } from '../lib/guards.js'
import { itemLines } from '../lib/lines.js'
import { listInWords, show } from '../lib/text.js'
import type { Target } from '../target/read.js'
import {
  type ServiceKind,
  SERVICE_KINDS,
  prefixesInWords,
  serviceOf,
  servicePrefix
} from '../target/services/registry.js'
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

/** What one service's checks run with. */
export interface HealthConfig {
  readonly checks: readonly HealthCheckSpec[]
  readonly waitForAccessMs: number
  readonly timeoutMs: number
  readonly failOnUnhealthy: boolean
  /** Sent with every check besides the token: FHIR's strict search handling and, unless turned off, audit headers. */
  readonly requestHeaders: Readonly<Record<string, string>>
}

/** One service's checks as the inputs give them. */
export interface ServiceChecks {
  readonly kind: ServiceKind
  readonly checks: readonly HealthCheckSpec[]
  readonly requestHeaders: Readonly<Record<string, string>>
}

/** Every service's checks, in the step's order of services; the time they may take comes from wait-for-access. */
export interface HealthPlan {
  readonly services: readonly ServiceChecks[]
  readonly timeoutMs: number
  readonly failOnUnhealthy: boolean
}

const MAX_HEALTH_CHECKS = 50
const MAX_WAIT_FOR_ACCESS_MS = 6 * 60 * 60 * 1000 // a GitHub-hosted job's own limit
const MAX_HEALTH_CHECK_TIMEOUT_MS = 10 * 60 * 1000
/** Each service's defaults, which read no patient data (see each service's file). */
export const DEFAULT_CHECKS: Readonly<Record<ServiceKind, readonly string[]>> = Object.fromEntries(
  SERVICE_KINDS.map(kind => [kind, serviceOf(kind).defaultChecks])
) as Record<ServiceKind, readonly string[]>

/**
 * The health checks to run, or undefined when none were asked for. A service runs the lines of health-check-paths
 * meant for it; one without lines runs its defaults when health-check is true. Throws InputError.
 */
export function readHealth(
  raw: RawInputs,
  targets: readonly Target[],
  env: NodeJS.ProcessEnv = {},
  warnings: string[] = []
): HealthPlan | undefined {
  const asked = readBoolean('health-check', raw['health-check'], false)
  const lines = readHealthCheckLines(raw['health-check-paths'])
  const timeoutMs = readDuration(
    'health-check-timeout',
    raw['health-check-timeout'] || '30s',
    MAX_HEALTH_CHECK_TIMEOUT_MS,
    false
  )
  const failOnUnhealthy = readBoolean('fail-on-unhealthy', raw['fail-on-unhealthy'], true)
  const sendAuditHeaders = readBoolean('audit-headers', raw['audit-headers'], true)
  if (!asked && lines.length === 0) return undefined

  const services = targets.flatMap(target => (target.kind === 'resource' ? [] : [{ ...target, kind: target.kind }]))
  if (services.length === 0) {
    throw new InputError(
      lines.length > 0 ? 'health-check-paths' : 'health-check',
      `needs a service to check, and resource alone names none: set ${listInWords(
        SERVICE_KINDS.map(kind => serviceOf(kind).input),
        'or'
      )} (resource may stay, to override the audience), or remove the health check.`
    )
  }
  const linesOf = assignLines(
    lines,
    services.map(target => target.kind)
  )
  const audit = sendAuditHeaders ? auditHeaders(env) : {}
  const planned = services.flatMap(target => {
    const own = linesOf.get(target.kind) ?? []
    if (own.length === 0 && !asked) return []
    const specs = own.length > 0 ? own : DEFAULT_CHECKS[target.kind].map(path => ({ path, expected: [200] as const }))
    const service = serviceOf(target.kind)
    const serviceUrl = target.serviceUrl ?? ''
    const checks: HealthCheckSpec[] = specs.map(({ path, expected }) => {
      const url = resolveCheckUrl(path, serviceUrl)
      return { path, url: service.checkUrl?.(new URL(url)).href ?? url, expected }
    })
    const anonymousOnly = anonymousOnlyWarning(checks, target.kind, serviceUrl, DEFAULT_CHECKS[target.kind])
    if (anonymousOnly !== undefined) warnings.push(anonymousOnly)
    return [{ kind: target.kind, checks, requestHeaders: service.checkHeaders(audit) }]
  })
  return { services: planned, timeoutMs, failOnUnhealthy }
}

/** Each line to its service: by its prefix, or, with one service in the step, unprefixed. */
function assignLines(lines: readonly CheckLine[], kinds: readonly ServiceKind[]): Map<ServiceKind, CheckLine[]> {
  const input = 'health-check-paths'
  const byKind = new Map<ServiceKind, CheckLine[]>()
  for (const line of lines) {
    const kind = line.kind ?? (kinds.length === 1 ? kinds[0] : undefined)
    if (kind === undefined) {
      throw new InputError(
        input,
        `${line.where} names no service, and this step has several: begin it with ${prefixesInWords(kinds)} ` +
          `(e.g. ${kinds[0] ?? 'fhir'}: ${line.path}).`
      )
    }
    if (!kinds.includes(kind)) {
      throw new InputError(
        input,
        `${line.where} is for the ${serviceOf(kind).name}, but ${serviceOf(kind).input} is not set: set it, or ` +
          'remove the line.'
      )
    }
    byKind.set(kind, [...(byKind.get(kind) ?? []), line])
  }
  return byKind
}

/** wait-for-access: how long a new identity's sign-in and then the checks may wait for access, in ms. */
export function readWaitForAccess(raw: RawInputs): number {
  return readDuration('wait-for-access', raw['wait-for-access'] || '0', MAX_WAIT_FOR_ACCESS_MS, true)
}

interface CheckLine {
  /** The service its prefix names, if any. */
  readonly kind?: ServiceKind
  readonly path: string
  readonly expected: readonly number[]
  /** Where it is, for a message. */
  readonly where: string
}

/** `[SERVICE:] PATH [STATUS[,STATUS...]]` per line; blank lines and `#` comments are skipped. */
function readHealthCheckLines(text: string): CheckLine[] {
  const input = 'health-check-paths'
  const lines: CheckLine[] = []
  for (const item of itemLines(text)) {
    const where = `line ${item.number} (${show(item.text)})`
    const { kind, rest: line } = servicePrefix(item.text)
    const [path = '', statuses, ...rest] = line.split(/\s+/)
    if (path === '') throw new InputError(input, `${where} names a service but no path: add the path after it.`)
    if (CONTROL_CHARACTERS.test(path)) {
      throw new InputError(input, `${where} has a control character in its path: write the path as plain text.`)
    }
    if (rest.length > 0) {
      throw new InputError(
        input,
        `${where} has more than a path and a status list: write "PATH [STATUS[,STATUS...]]", without spaces in the list.`
      )
    }
    lines.push({
      ...(kind === undefined ? {} : { kind }),
      path,
      expected: statuses === undefined ? [200] : readStatuses(statuses, where),
      where
    })
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
