// Health checks: authenticated GETs against the service, retried while a role assignment propagates and when the
// service is briefly overloaded. The token goes to the service's own https origin and nowhere else: redirects are
// handled here, not by the HTTP client, and the origin is checked right before every request.

import { HttpClient } from '@actions/http-client'
import type { IncomingMessage } from 'node:http'
import type { HealthCheckSpec, HealthConfig, ServiceKind, Target } from './config.js'
import { explainAccessDenied } from './explanations.js'
import { sanitizeServerText } from './server-text.js'
import type { IssuedToken } from './token.js'
import { formatSeconds } from './durations.js'
import { isRecord, parseUrl } from './values.js'

export interface CheckResult {
  readonly path: string
  readonly url: string
  readonly expected: readonly number[]
  /** The last status seen; absent when no answer came (timeout, reset, refused). */
  readonly status?: number
  readonly ok: boolean
  readonly attempts: number
  readonly durationMs: number
  /** What went wrong, for a failed check (plain text, may hold server text: pass only through @actions/core). */
  readonly error?: string
}

export type Health = 'healthy' | 'unhealthy' | 'skipped'

export interface HealthReport {
  readonly health: Health
  readonly checks: readonly CheckResult[]
}

export type ResponseHeaders = Readonly<Record<string, string | readonly string[] | undefined>>

/** How a request ended without an answer: a reset or a timeout may pass on a retry, a refused connection may not. */
export type NoAnswer = 'timeout' | 'reset' | 'connection'

export type SendResult =
  | { readonly status: number; readonly headers: ResponseHeaders; readonly body: string }
  | { readonly failure: NoAnswer; readonly message: string }

/** One GET, no redirects followed, ended after `timeoutMs` at the latest. */
export type Send = (url: string, headers: Readonly<Record<string, string>>, timeoutMs: number) => Promise<SendResult>

export interface HealthDeps {
  /** core.info in production: one line per retry with the status and the time left. */
  readonly info: (line: string) => void
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<void>
  readonly random?: () => number
  /** The transport; @actions/http-client unless a unit test passes its own. */
  readonly send?: Send
  /** Secrets a hostile or broken service could echo back (the inputs' secrets); the token is always removed. */
  readonly redact?: readonly string[]
}

/**
 * Checks in flight at once: a typical list (up to twenty paths) runs in one wave, so it takes about as long as its
 * slowest check; a longer one is spread out rather than flooding the service.
 */
export const MAX_CONCURRENT_CHECKS = 20
/** Retries of a transient answer (429, 502, 503, 504, reset), allowed even when wait-for-access is 0. */
export const TRANSIENT_RETRIES = 3
/** First transient backoff, doubled per retry and jittered when the server does not say how long to wait. */
const TRANSIENT_BASE_MS = 1000
/** Longest wait a Retry-After header can impose: a server asking for minutes gets a failed check instead. */
export const MAX_RETRY_AFTER_MS = 30_000
/** wait-for-access backoff: 2s doubling to 30s, never past the deadline. */
export const ACCESS_BASE_MS = 2000
export const ACCESS_MAX_MS = 30_000
/** Same-origin redirect hops followed (a service moving `/metadata/` to `/metadata`); other origins are never followed. */
export const MAX_REDIRECTS = 5
/** Enough of a failed answer's body to quote its diagnostics; the rest is not read. */
const MAX_BODY_BYTES = 16 * 1024
/** Longest server text quoted in a check's error. */
const MAX_DIAGNOSTICS_LENGTH = 300

const TRANSIENT_STATUSES: readonly number[] = [429, 502, 503, 504]
const REDIRECT_STATUSES: readonly number[] = [301, 302, 303, 307, 308]
const USER_AGENT = 'azure-health-data-services-token'

const defaultSleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export async function runHealthChecks(
  config: HealthConfig,
  target: Target,
  token: IssuedToken,
  deps: HealthDeps
): Promise<HealthReport> {
  if (config.checks.length === 0) return { health: 'skipped', checks: [] }
  const checks = await mapBounded(config.checks, MAX_CONCURRENT_CHECKS, spec =>
    runCheck(spec, config, target, token, deps)
  )
  return { health: checks.every(check => check.ok) ? 'healthy' : 'unhealthy', checks }
}

/** For each failed check, the annotation the caller raises: a short title and the full explanation. */
export function failedCheckAnnotations(report: HealthReport): { title: string; message: string }[] {
  return report.checks
    .filter(check => !check.ok)
    .map(check => ({
      title: `Health check failed: ${check.path}`,
      message: `GET ${check.url}: ${check.error ?? `answered ${String(check.status)}`}`
    }))
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the items' order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index] as T, index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

export function acceptHeader(kind: ServiceKind): string {
  switch (kind) {
    case 'fhir':
      return 'application/fhir+json'
    case 'dicom':
      // QIDO-RS answers application/dicom+json; the change feed answers application/json.
      return 'application/dicom+json, application/json'
    case 'resource':
      return 'application/json'
  }
}

/** The https origin the token may be sent to, or undefined when the target has no usable service URL. */
export function serviceOrigin(target: Target): string | undefined {
  if (target.serviceUrl === undefined) return undefined
  const url = parseUrl(target.serviceUrl)
  return url?.protocol === 'https:' ? url.origin : undefined
}

/** True only for an https URL on exactly the service's origin (scheme, host and port). */
export function isServiceUrl(url: string, origin: string | undefined): boolean {
  const parsed = parseUrl(url)
  return origin !== undefined && parsed?.protocol === 'https:' && parsed.origin === origin
}

/**
 * The wait a server asks for, in ms: `x-ms-retry-after-ms` first (finer), then `Retry-After` in seconds or as an
 * HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: ResponseHeaders, nowMs: number): number | undefined {
  const ms = Number(firstHeader(headers, 'x-ms-retry-after-ms'))
  if (firstHeader(headers, 'x-ms-retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return ms
  const value = firstHeader(headers, 'retry-after')?.trim()
  if (value === undefined || value === '') return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/** Delay before transient retry `retry` (1-based): the server's wait (capped) or a jittered doubling. */
export function transientDelayMs(retry: number, serverWaitMs: number | undefined, random: () => number): number {
  if (serverWaitMs !== undefined) return Math.min(serverWaitMs, MAX_RETRY_AFTER_MS)
  const base = TRANSIENT_BASE_MS * 2 ** (retry - 1)
  // "Equal jitter": at least half the base, so retries still back off, spread so concurrent checks do not align.
  return Math.round(base / 2 + random() * (base / 2))
}

/** Delay before wait-for-access retry `retry` (1-based): 2s doubling to 30s, never past the time left. */
export function accessDelayMs(retry: number, timeLeftMs: number): number {
  return Math.max(0, Math.min(ACCESS_BASE_MS * 2 ** (retry - 1), ACCESS_MAX_MS, timeLeftMs))
}

/** What one attempt (with any same-origin redirects) ended in. */
export interface Attempt {
  readonly status?: number
  readonly headers?: ResponseHeaders
  readonly body?: string
  /** Why no usable answer came; `redirect` and `refused` are never retried. */
  readonly failure?: NoAnswer | 'redirect' | 'refused'
  readonly message?: string
}

export type Verdict = 'ok' | 'transient' | 'access' | 'final'

/**
 * ok: an expected status. transient: retried a few times whatever wait-for-access says. access: retried while
 * wait-for-access lasts (role propagation, a service still starting). A timeout counts as `access`, not transient:
 * with wait-for-access 0 a never-answering endpoint then costs one timeout, not four.
 */
export function verdict(attempt: Attempt, expected: readonly number[]): Verdict {
  switch (attempt.failure) {
    case 'reset':
      return 'transient'
    case 'timeout':
    case 'connection':
      return 'access'
    case 'redirect':
    case 'refused':
      return 'final'
    case undefined:
      break
  }
  const status = attempt.status
  if (status === undefined) return 'final'
  if (expected.includes(status)) return 'ok'
  if (TRANSIENT_STATUSES.includes(status)) return 'transient'
  if (status === 401 || status === 403 || status >= 500) return 'access'
  return 'final'
}

async function runCheck(
  spec: HealthCheckSpec,
  config: HealthConfig,
  target: Target,
  token: IssuedToken,
  deps: HealthDeps
): Promise<CheckResult> {
  const now = deps.now ?? Date.now
  const sleep = deps.sleep ?? defaultSleep
  const random = deps.random ?? Math.random
  const send = deps.send ?? httpSend
  const origin = serviceOrigin(target)
  const headers = { Authorization: `Bearer ${token.token}`, Accept: acceptHeader(target.kind) }

  const start = now()
  const deadline = start + config.waitForAccessMs
  let attempts = 0
  let transientRetries = 0
  let accessRetries = 0
  for (;;) {
    attempts++
    const attempt = await attemptOnce(spec, origin, headers, config.timeoutMs, send)
    const kind = verdict(attempt, spec.expected)
    const timeLeft = deadline - now()
    const seen = attempt.status !== undefined ? String(attempt.status) : (attempt.failure ?? 'no answer')
    let delay: number | undefined
    if (kind === 'transient' && transientRetries < TRANSIENT_RETRIES) {
      transientRetries++
      const serverWait = attempt.headers ? retryAfterMs(attempt.headers, now()) : undefined
      delay = transientDelayMs(transientRetries, serverWait, random)
      deps.info(
        `Health check ${spec.path}: ${seen}, transient; retry ${transientRetries} of ${TRANSIENT_RETRIES} in ` +
          `${formatSeconds(delay)}${serverWait !== undefined ? ' (as the service asked)' : ''}` +
          (timeLeft > 0 ? `, ${formatSeconds(timeLeft)} left of wait-for-access` : '')
      )
    } else if ((kind === 'transient' || kind === 'access') && timeLeft > 0) {
      accessRetries++
      delay = accessDelayMs(accessRetries, timeLeft)
      deps.info(
        `Health check ${spec.path}: ${seen}, waiting for access; retry in ${formatSeconds(delay)}, ` +
          `${formatSeconds(timeLeft)} left of wait-for-access`
      )
    }
    if (delay === undefined) {
      const ok = kind === 'ok'
      return {
        path: spec.path,
        url: spec.url,
        expected: spec.expected,
        ...(attempt.status !== undefined ? { status: attempt.status } : {}),
        ok,
        attempts,
        durationMs: Math.max(0, now() - start),
        ...(ok ? {} : { error: describeFailure(attempt, spec, target, token, deps.redact ?? []) })
      }
    }
    await sleep(delay)
  }
}

/** One GET, following redirects only on the service's origin; the origin is checked before every request. */
async function attemptOnce(
  spec: HealthCheckSpec,
  origin: string | undefined,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  send: Send
): Promise<Attempt> {
  let url = spec.url
  for (let hop = 0; ; hop++) {
    if (!isServiceUrl(url, origin)) {
      return {
        failure: 'refused',
        message:
          `not sent: ${url} is not on the service's https origin (${origin ?? 'none'}); ` +
          'the token is sent to the service only'
      }
    }
    const result = await send(url, headers, timeoutMs)
    if ('failure' in result) return { failure: result.failure, message: result.message }
    const { status } = result
    if (!REDIRECT_STATUSES.includes(status) || spec.expected.includes(status)) return result
    const location = firstHeader(result.headers, 'location')
    const next = location === undefined ? undefined : parseUrl(location, url)
    if (next === undefined) {
      return { ...result, failure: 'redirect', message: `redirected (${status}) without a usable Location` }
    }
    if (!isServiceUrl(next.href, origin)) {
      return {
        ...result,
        failure: 'redirect',
        message:
          `redirected (${status}) to another origin, ${next.protocol === 'https:' ? next.origin : next.protocol + '//' + next.host}; ` +
          `not followed: the token is sent to ${origin ?? 'the service'} only`
      }
    }
    if (hop >= MAX_REDIRECTS) {
      return { ...result, failure: 'redirect', message: `more than ${MAX_REDIRECTS} redirects; stopped` }
    }
    url = next.href
  }
}

function describeFailure(
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

/** The default transport: @actions/http-client with redirects and retries off (this module does both). */
export async function httpSend(
  url: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number
): Promise<SendResult> {
  const client = new HttpClient(USER_AGENT, [], {
    allowRedirects: false,
    allowRetries: false,
    keepAlive: false,
    socketTimeout: timeoutMs
  })
  let timer: NodeJS.Timeout | undefined
  // The socket timeout covers silence only; this one also ends an answer that trickles in forever.
  const overall = new Promise<SendResult>(resolve => {
    timer = setTimeout(() => {
      resolve({ failure: 'timeout', message: `no answer within ${formatSeconds(timeoutMs)}` })
    }, timeoutMs)
  })
  const exchange = async (): Promise<SendResult> => {
    try {
      const response = await client.get(url, { ...headers })
      const body = await readLimited(response.message, MAX_BODY_BYTES)
      return { status: response.message.statusCode ?? 0, headers: response.message.headers, body }
    } catch (error) {
      return noAnswer(error, timeoutMs)
    }
  }
  try {
    return await Promise.race([exchange(), overall])
  } finally {
    clearTimeout(timer)
    // Destroys the agent's sockets, so a request that lost the race does not linger.
    client.dispose()
  }
}

function noAnswer(error: unknown, timeoutMs: number): SendResult {
  const code = isRecord(error) && typeof error.code === 'string' ? error.code : undefined
  const message = error instanceof Error ? error.message : String(error)
  if (code === 'ETIMEDOUT' || message.startsWith('Request timeout')) {
    return { failure: 'timeout', message: `no answer within ${formatSeconds(timeoutMs)}` }
  }
  const described = code && !message.includes(code) ? `${code}: ${message}` : message
  if (code === 'ECONNRESET' || code === 'EPIPE') return { failure: 'reset', message: described }
  return { failure: 'connection', message: described }
}

function readLimited(message: IncomingMessage, limit: number): Promise<string> {
  return new Promise(resolve => {
    const chunks: Buffer[] = []
    let size = 0
    const done = (): void => {
      resolve(Buffer.concat(chunks).subarray(0, limit).toString('utf8'))
    }
    message.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
      if (size >= limit) {
        message.destroy()
        done()
      }
    })
    message.on('end', done)
    message.on('close', done)
    message.on('error', done)
  })
}

function firstHeader(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1]
  return typeof value === 'string' ? value : value?.[0]
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
