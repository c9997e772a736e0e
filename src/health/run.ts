// Health checks: authenticated GETs against the service, retried while a role assignment propagates and when the
// service is briefly overloaded, a typical list all at once.

import { type Gate, boundedGate } from '../lib/bounded.js'
import { formatSeconds } from '../lib/durations.js'
import { retryAfterMs } from '../lib/retry-after.js'
import type { IssuedToken } from '../signin/issued-token.js'
import type { Target } from '../target/read.js'
import type { ServiceKind } from '../target/services/registry.js'
import { describeFailure } from './failure.js'
import {
  type Attempt,
  type Send,
  acceptHeader,
  attemptOnce,
  firstHeader,
  httpSend,
  isServiceUrl,
  serviceOrigin
} from './http.js'
import { TRANSIENT_RETRIES, accessDelayMs, transientDelayMs, verdict } from './policy.js'
import type { HealthCheckSpec, HealthConfig, HealthPlan } from './read.js'

export interface CheckResult {
  /** The service checked, when the step has one (a bare resource has no checks). */
  readonly service?: ServiceKind
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
 * Requests in flight at once: a typical list (up to twenty paths) runs in one wave, so it takes about as long as its
 * slowest check; a longer one is spread out rather than flooding the service. A check waiting to retry holds no place,
 * so every check of a longer list is tried while wait-for-access lasts, not after the first wave's wait.
 */
export const MAX_CONCURRENT_CHECKS = 20

const defaultSleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** A service's token: the one its checks send. */
export interface ServiceToken {
  readonly target: Target
  readonly token: IssuedToken
}

/**
 * Every service's checks at once, each with its own token and within what is left of wait-for-access; the report lists
 * the checks grouped by service, in the step's order.
 */
export async function runPlannedChecks(
  plan: HealthPlan,
  tokens: readonly ServiceToken[],
  waitForAccessMs: number,
  deps: HealthDeps
): Promise<HealthReport> {
  const reports = await Promise.all(
    plan.services.map(async ({ kind, checks, requestHeaders }) => {
      const own = tokens.find(each => each.target.kind === kind)
      if (own === undefined) throw new Error(`No token for the ${kind} checks`)
      const config = {
        checks,
        requestHeaders,
        waitForAccessMs,
        timeoutMs: plan.timeoutMs,
        failOnUnhealthy: plan.failOnUnhealthy
      }
      const report = await runHealthChecks(config, own.target, own.token, deps)
      return report.checks.map(check => ({ service: kind, ...check }))
    })
  )
  const checks = reports.flat()
  if (checks.length === 0) return { health: 'skipped', checks }
  return { health: checks.every(check => check.ok) ? 'healthy' : 'unhealthy', checks }
}

/** The connections the checks' first wave will use: one per check in flight, on each service's own origin. */
export function plannedConnections(
  plan: HealthPlan,
  targets: readonly Target[]
): { readonly origin: string; readonly count: number }[] {
  return plan.services.flatMap(({ kind, checks }) => {
    const target = targets.find(each => each.kind === kind)
    const origin = target === undefined ? undefined : serviceOrigin(target)
    const sent = checks.filter(spec => isServiceUrl(spec.url, origin)).length
    return origin === undefined || sent === 0 ? [] : [{ origin, count: Math.min(sent, MAX_CONCURRENT_CHECKS) }]
  })
}

/** One service's checks, with its token. */
export async function runHealthChecks(
  config: HealthConfig,
  target: Target,
  token: IssuedToken,
  deps: HealthDeps
): Promise<HealthReport> {
  if (config.checks.length === 0) return { health: 'skipped', checks: [] }
  // One end for every check: a check that starts later does not wait longer.
  const deadline = (deps.now ?? Date.now)() + config.waitForAccessMs
  const gate = boundedGate(MAX_CONCURRENT_CHECKS)
  const checks = await Promise.all(
    config.checks.map(spec => runCheck(spec, { ...config, deadline, gate }, target, token, deps))
  )
  return { health: checks.every(check => check.ok) ? 'healthy' : 'unhealthy', checks }
}

/** How the checks share the wait and the places in flight. */
interface Shared {
  /** When wait-for-access ends (ms since the epoch): no retry for it starts after. */
  readonly deadline: number
  readonly gate: Gate
}

async function runCheck(
  spec: HealthCheckSpec,
  config: HealthConfig & Shared,
  target: Target,
  token: IssuedToken,
  deps: HealthDeps
): Promise<CheckResult> {
  const now = deps.now ?? Date.now
  const sleep = deps.sleep ?? defaultSleep
  const random = deps.random ?? Math.random
  const send = deps.send ?? httpSend
  const origin = serviceOrigin(target)
  const headers = {
    ...config.requestHeaders,
    Authorization: `Bearer ${token.token}`,
    Accept: acceptHeader(target.kind)
  }

  const { deadline, gate } = config
  const start = now()
  const finish = (attempt: Attempt, attempts: number): CheckResult => {
    const ok = verdict(attempt, spec.expected) === 'ok'
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
  const tryOnce = (): Promise<Attempt> => attemptOnce(spec, origin, headers, config.timeoutMs, send)

  let attempt = await gate(tryOnce)
  let attempts = 1
  let transientRetries = 0
  let accessRetries = 0
  for (;;) {
    const kind = verdict(attempt, spec.expected)
    const timeLeft = deadline - now()
    const seen = attempt.status !== undefined ? String(attempt.status) : (attempt.failure ?? 'no answer')
    let delay: number | undefined
    let forAccess = false
    if (kind === 'transient' && transientRetries < TRANSIENT_RETRIES) {
      transientRetries++
      const { headers: answered } = attempt
      const serverWait = answered ? retryAfterMs(name => firstHeader(answered, name), now()) : undefined
      delay = transientDelayMs(transientRetries, serverWait, random)
      deps.info(
        `Health check ${spec.path}: ${seen}, transient; retry ${transientRetries} of ${TRANSIENT_RETRIES} in ` +
          `${formatSeconds(delay)}${serverWait !== undefined ? ' (as the service asked)' : ''}` +
          (timeLeft > 0 ? `, ${formatSeconds(timeLeft)} left of wait-for-access` : '')
      )
    } else if (kind === 'transient' || kind === 'access') {
      delay = accessDelayMs(accessRetries + 1, timeLeft)
      forAccess = delay !== undefined
      if (delay !== undefined) {
        accessRetries++
        deps.info(
          `Health check ${spec.path}: ${seen}, waiting for access; retry in ${formatSeconds(delay)}, ` +
            `${formatSeconds(timeLeft)} left of wait-for-access`
        )
      }
    }
    if (delay === undefined) return finish(attempt, attempts)
    await sleep(delay)
    // A retry for wait-for-access starts before its end or not at all (a timer that fired late, a wait for a place).
    const next = await gate(async () => (forAccess && now() >= deadline ? undefined : tryOnce()))
    if (next === undefined) return finish(attempt, attempts)
    attempt = next
    attempts++
  }
}
