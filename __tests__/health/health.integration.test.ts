// Health checks against the emulator over real TLS: inputs parsed by inputs.ts, a real token from the emulated
// Entra ID, and the request log to prove where the token went. Nothing under test is stubbed.
import { ClientSecretCredential } from '@azure/identity'
import type { HealthConfig } from '../../src/health/read.js'
import type { Target } from '../../src/target/read.js'
import { ACCESS_BASE_MS } from '../../src/health/policy.js'
import { type HealthReport, runHealthChecks } from '../../src/health/run.js'
import { readConfig } from '../../src/config.js'
import { renderSummary } from '../../src/report/summary.js'
import { type IssuedToken, readTokenClaims } from '../../src/signin/issued-token.js'
import { DICOM_AUDIENCE, NO_ROLES_CLIENT_ID, type ScenarioInput } from '../../emulator/index.ts'
import { PHI_MARKER } from '../../emulator/patients.ts'
import { useEmulator } from '../support/emulator.ts'

const em = await useEmulator({ trust: true })

function app(clientId?: string) {
  const found = clientId === undefined ? em.scenario.apps[0] : em.scenario.apps.find(a => a.clientId === clientId)
  const secret = found?.secrets?.[0]?.value
  if (found === undefined || secret === undefined) throw new Error(`no app ${String(clientId)} with a secret`)
  return { ...found, secret }
}

/** A real token from the emulated Entra ID, shaped as the sign-in hands it on. */
async function tokenFor(resource: string, clientId?: string): Promise<IssuedToken> {
  const { tenantId, clientId: id, secret } = app(clientId)
  const credential = new ClientSecretCredential(tenantId, id, secret, {
    authorityHost: em.authorityHost,
    disableInstanceDiscovery: true
  })
  const issued = await credential.getToken(`${resource}/.default`)
  return {
    token: issued.token,
    expiresOn: new Date(issued.expiresOnTimestamp),
    resource,
    claims: readTokenClaims(issued.token),
    signInMethod: 'client-secret'
  }
}

/** Target and health configuration exactly as the action would read them from these step inputs. */
function configFor(inputs: Record<string, string>, clientId?: string): { target: Target; health: HealthConfig } {
  const { tenantId, clientId: id, secret } = app(clientId)
  const all: Record<string, string> = {
    'auth-type': 'client-secret',
    'client-id': id,
    'tenant-id': tenantId,
    'client-secret': secret,
    'authority-host': em.authorityHost,
    'health-check': 'true',
    ...inputs
  }
  const config = readConfig(name => all[name] ?? '', {})
  const [target] = config.targets
  const [service] = config.health?.services ?? []
  if (config.health === undefined || service === undefined || target === undefined) {
    throw new Error('no health checks configured')
  }
  const { timeoutMs, failOnUnhealthy } = config.health
  const { checks, requestHeaders } = service
  return {
    target,
    health: { checks, requestHeaders, timeoutMs, failOnUnhealthy, waitForAccessMs: config.waitForAccessMs }
  }
}

async function check(
  inputs: Record<string, string>,
  options: { clientId?: string; scenario?: ScenarioInput } = {}
): Promise<{ report: HealthReport; lines: string[]; token: IssuedToken; target: Target; ms: number }> {
  const { target, health } = configFor(inputs, options.clientId)
  const token = await tokenFor(target.resource, options.clientId)
  // After the token: the scenario's clock (a role's effectiveAfterMs) starts with the checks, so a slow sign-in on a
  // loaded machine cannot use up part of a role's delay.
  em.setScenario(options.scenario ?? {})
  em.clearRequests()
  const lines: string[] = []
  const started = Date.now()
  const report = await runHealthChecks(health, target, token, { info: line => lines.push(line) })
  return { report, lines, token, target, ms: Date.now() - started }
}

const describeReport = (report: HealthReport): string => JSON.stringify(report, null, 2)

test('FHIR defaults are healthy, each request carrying the token to the service only', async () => {
  const { report, token } = await check({ 'fhir-url': em.fhirUrl })
  expect(report.health).toBe('healthy')
  expect(report.checks.map(c => [c.path, c.status, c.ok])).toEqual([
    ['metadata', 200, true],
    ['Patient?_summary=count', 200, true]
  ])
  const log = em.requests()
  expect(log.map(e => [e.party, e.path, e.status]).sort()).toEqual([
    ['fhir', '/Patient?_summary=count', 200],
    ['fhir', '/metadata', 200]
  ])
  for (const entry of log) expect(entry.bearerToken).toBe(token.token)
})

test('DICOM defaults are healthy, and an empty study search (204) passes when expected', async () => {
  const defaults = await check({ 'dicom-url': em.dicomUrl })
  expect(defaults.target.resource).toBe(DICOM_AUDIENCE)
  expect(defaults.report.health).toBe('healthy')
  expect(defaults.report.checks.map(c => [c.path, c.status])).toEqual([
    ['changefeed?limit=1&includemetadata=false', 200]
  ])
  expect(em.requests().map(e => e.path)).toEqual(['/v2/changefeed?limit=1&includemetadata=false'])

  const studies = await check({ 'dicom-url': em.dicomUrl, 'health-check-paths': 'studies?limit=1 200,204' })
  expect(studies.report.checks[0]).toMatchObject({ path: 'studies?limit=1', status: 204, ok: true })

  const strict = await check({ 'dicom-url': em.dicomUrl, 'health-check-paths': 'studies?limit=1 200' })
  expect(strict.report.checks[0]).toMatchObject({ status: 204, ok: false })
})

test('an identity without a data role gets 403 with an explanation naming it and the role to grant', async () => {
  const { report, token } = await check({ 'fhir-url': em.fhirUrl }, { clientId: NO_ROLES_CLIENT_ID })
  expect(report.health).toBe('unhealthy')
  const [metadata, patients] = report.checks
  expect(metadata).toMatchObject({ status: 200, ok: true })
  expect(patients).toMatchObject({ status: 403, ok: false, attempts: 1 })
  const error = patients?.error ?? ''
  expect(error).toContain('Authorization failed.')
  expect(token.claims.oid).toBeDefined()
  expect(error).toContain(token.claims.oid ?? 'missing oid')
  expect(error).toContain('FHIR Data Reader')
  expect(error).toContain('az role assignment create')
  expect(error).not.toContain(token.token)
})

test('a role that propagates after a few seconds passes with wait-for-access', async () => {
  const { oid } = await tokenFor(em.fhirUrl, NO_ROLES_CLIENT_ID).then(t => t.claims)
  if (oid === undefined) throw new Error('token without oid')
  const { report, lines, ms } = await check(
    { 'fhir-url': em.fhirUrl, 'health-check-paths': 'Patient?_count=1', 'wait-for-access': '30s' },
    {
      clientId: NO_ROLES_CLIENT_ID,
      scenario: { roles: { [oid]: [{ role: 'FHIR Data Reader', service: 'fhir', effectiveAfterMs: 3000 }] } }
    }
  )
  expect(report.health).toBe('healthy')
  // Normally 403 at 0s and 2s, 200 at 6s; what matters is 403s, each followed by a wait, then the 200.
  const log = [...em.requests()].sort((a, b) => a.time - b.time)
  const statuses = log.map(e => e.status)
  expect(statuses.join(',')).toMatch(/^(403,)+200$/)
  expect(report.checks[0]).toMatchObject({ status: 200, ok: true, attempts: log.length })
  expect(lines).toHaveLength(log.length - 1)
  for (const line of lines) expect(line).toMatch(/Patient\?_count=1: 403, waiting for access.*left of wait-for-access/)
  // The backoff doubles from 2 s; a sleep is never shorter however loaded the machine (1 ms for timer rounding).
  const gaps = log.slice(1).map((e, i) => e.time - (log[i]?.time ?? 0))
  gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(ACCESS_BASE_MS * 2 ** i - 1))
  expect(ms).toBeGreaterThanOrEqual(gaps.reduce((sum, gap) => sum + gap, 0))
})

test('without wait-for-access the same 403 fails at once', async () => {
  const { oid } = await tokenFor(em.fhirUrl, NO_ROLES_CLIENT_ID).then(t => t.claims)
  if (oid === undefined) throw new Error('token without oid')
  const { report, lines } = await check(
    { 'fhir-url': em.fhirUrl, 'health-check-paths': 'Patient?_count=1' },
    {
      clientId: NO_ROLES_CLIENT_ID,
      scenario: { roles: { [oid]: [{ role: 'FHIR Data Reader', service: 'fhir', effectiveAfterMs: 3000 }] } }
    }
  )
  // One request and no wait: waiting would have ended in a 200 once the role took effect.
  expect(report.checks[0]).toMatchObject({ status: 403, ok: false, attempts: 1 })
  expect(lines).toEqual([])
  expect(em.requests().map(e => e.status)).toEqual([403])
})

test('429s then success passes, waiting as the service asks', async () => {
  const { report, lines, ms } = await check(
    { 'fhir-url': em.fhirUrl, 'health-check-paths': 'metadata' },
    { scenario: { faults: [{ party: 'fhir', pathPrefix: '/metadata', throttle: { retryAfterMs: 700 }, times: 2 }] } }
  )
  expect(report.checks[0]).toMatchObject({ status: 200, ok: true, attempts: 3 })
  expect(lines).toHaveLength(2)
  expect(lines[0]).toMatch(/429, transient; retry 1 of 3 in 0\.7s \(as the service asked\)/)
  expect(ms).toBeGreaterThanOrEqual(1400)
  expect(em.requests().map(e => e.status)).toEqual([429, 429, 200])
})

test('a redirect to another origin is reported and never delivers the token there', async () => {
  const dicomOrigin = new URL(em.dicomUrl).origin
  const { report } = await check(
    { 'fhir-url': em.fhirUrl, 'health-check-paths': 'metadata', 'wait-for-access': '5s' },
    { scenario: { faults: [{ party: 'fhir', pathPrefix: '/metadata', redirectTo: `${em.dicomUrl}/v2/changefeed` }] } }
  )
  expect(report.checks[0]).toMatchObject({ status: 302, ok: false, attempts: 1 })
  expect(report.checks[0]?.error).toContain(`another origin, ${dicomOrigin}`)
  const log = em.requests()
  expect(log.map(e => [e.party, e.path, e.hadAuthorization])).toEqual([['fhir', '/metadata', true]])
  expect(log.filter(e => e.origin === dicomOrigin && e.hadAuthorization)).toEqual([])
})

test('a redirect on the service origin is followed, the origin checked again', async () => {
  const { report, token } = await check(
    { 'fhir-url': em.fhirUrl, 'health-check-paths': 'metadata' },
    { scenario: { faults: [{ party: 'fhir', pathPrefix: '/metadata', redirectTo: '/Patient?_count=1', times: 1 }] } }
  )
  expect(report.checks[0]).toMatchObject({ status: 200, ok: true, attempts: 1 })
  const log = em.requests()
  expect(log.map(e => [e.path, e.status])).toEqual([
    ['/metadata', 302],
    ['/Patient?_count=1', 200]
  ])
  for (const entry of log) expect(entry.bearerToken).toBe(token.token)
})

test('a never-answering endpoint ends at the timeout', async () => {
  const { report, ms } = await check(
    { 'fhir-url': em.fhirUrl, 'health-check-paths': 'metadata', 'health-check-timeout': '2s' },
    { scenario: { faults: [{ party: 'fhir', pathPrefix: '/metadata', hang: true }] } }
  )
  expect(report.checks[0]).toMatchObject({ ok: false, attempts: 1 })
  expect(report.checks[0]?.status).toBeUndefined()
  expect(report.checks[0]?.error).toContain('health-check-timeout')
  expect(ms).toBeGreaterThanOrEqual(1900)
  // The hung request never ends by itself (the test's own limit is 60 s); the margin absorbs a loaded machine.
  expect(ms).toBeLessThan(10_000)
})

test('25 checks run concurrently, at most 20 at once', async () => {
  const paths = Array.from({ length: 25 }, (_, i) => `Patient?_count=1&_id=n${String(i)}`)
  // Each answer comes this long after its request arrived, so no answer exists before first + SLOW_MS.
  const SLOW_MS = 3000
  const LIMIT = 20
  const { report, ms } = await check(
    { 'fhir-url': em.fhirUrl, 'health-check-paths': paths.join('\n') },
    { scenario: { faults: [{ party: 'fhir', pathPrefix: '/Patient', delayMs: SLOW_MS }] } }
  )
  if (report.health !== 'healthy') throw new Error(describeReport(report))
  expect(report.checks.map(c => c.path)).toEqual(paths)
  const arrivals = em
    .requests()
    .map(e => e.time)
    .sort((a, b) => a - b)
  expect(arrivals).toHaveLength(paths.length)
  const first = arrivals[0] ?? 0
  // 20 requests were in flight together: the 20th arrived before any answer could have freed a slot (with a limit
  // below 20 it could not be sent before first + SLOW_MS). SLOW_MS leaves room for 20 TLS handshakes under load.
  expect((arrivals[LIMIT - 1] ?? Infinity) - first).toBeLessThan(SLOW_MS)
  // Never more: the 21st waited for an answer, which no scheduling can bring before first + SLOW_MS.
  expect((arrivals[LIMIT] ?? 0) - first).toBeGreaterThanOrEqual(SLOW_MS - 1)
  expect(ms).toBeGreaterThanOrEqual(2 * SLOW_MS - 1)
})

test('the summary of a real failed run escapes server text and holds no token', async () => {
  const { report, token, target } = await check(
    { 'fhir-url': em.fhirUrl, 'health-check-paths': 'metadata' },
    {
      scenario: {
        faults: [
          {
            party: 'fhir',
            pathPrefix: '/metadata',
            status: 500,
            // Of an error body only its type is quoted, so markup can come in through that alone.
            headers: { 'content-type': 'text/<script>alert(1)</script>' },
            body: `<html>${PHI_MARKER}</html>`
          }
        ]
      }
    }
  )
  const html = renderSummary([{ target, token }], report)
  expect(report.checks[0]).toMatchObject({ status: 500, ok: false })
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  expect(html).not.toContain('<script>')
  expect(html).not.toContain(PHI_MARKER)
  expect(html).not.toContain(token.token)
})
