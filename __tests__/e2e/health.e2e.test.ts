// Health checks end to end: defaults, a principal without a role, role propagation,
// throttling, a cross-origin redirect, the job summary and the health-report output.
import { afterAll, describe, expect, it } from '@jest/globals'
import {
  type AppSpec,
  DEFAULT_CLIENT_ID,
  type Emulator,
  NO_ROLES_CLIENT_ID,
  type RequestLogEntry,
  startEmulator
} from '../../emulator/index.ts'
import { type ActionRun, jwtClaims, workflowCommands } from '../../emulator/runner.ts'
import { appByClientId, errorLines, expectExit, runAgainst, secretInputs } from './world.ts'
import { unescapeCommand } from '../../emulator/runner.ts'

interface CheckReport {
  url: string
  expected: number[]
  status?: number
  ok: boolean
  attempts: number
  durationMs: number
  error?: string
}

const THROTTLED_PATH = '/Observation?_count=2'
const REDIRECTED_PATH = '/Patient?_id=moved'

// One emulator for the file, created at load so concurrent tests can await it. The redirect goes to the DICOM
// listener: another origin that logs whatever reaches it.
const emulatorReady = (async () => {
  const em = await startEmulator()
  em.setScenario({
    faults: [
      {
        party: 'fhir',
        pathPrefix: THROTTLED_PATH,
        status: 429,
        times: 2,
        headers: { 'Retry-After': '1', 'x-ms-retry-after-ms': '300' },
        body: {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'throttled', diagnostics: 'Too many requests.' }]
        }
      },
      { party: 'fhir', pathPrefix: REDIRECTED_PATH, redirectTo: `${em.dicomUrl}/v2/changefeed?limit=1` }
    ]
  })
  return em
})()
const emulators: Emulator[] = []

afterAll(async () => {
  await Promise.all([emulatorReady.then(em => em.stop()), ...emulators.map(em => em.stop())])
})

const defaultApp = (em: Emulator): AppSpec => appByClientId(em, DEFAULT_CLIENT_ID)
const noRolesApp = (em: Emulator): AppSpec => appByClientId(em, NO_ROLES_CLIENT_ID)

function report(run: ActionRun): CheckReport[] {
  return JSON.parse(run.outputs['health-report'] ?? 'null') as CheckReport[]
}

function expectReportShape(checks: CheckReport[]): void {
  for (const check of checks) {
    expect(typeof check.url).toBe('string')
    expect(Array.isArray(check.expected)).toBe(true)
    expect(typeof check.ok).toBe('boolean')
    expect(check.attempts).toBeGreaterThanOrEqual(1)
    expect(typeof check.durationMs).toBe('number')
    if (!check.ok) expect(typeof check.error === 'string' || typeof check.status === 'number').toBe(true)
  }
}

describe('health checks', () => {
  it.concurrent('FHIR defaults: metadata and Patient?_summary=count answer 200, summary holds the table', async () => {
    const em = await emulatorReady
    const app = defaultApp(em)
    const run = await runAgainst(em, {
      inputs: { ...secretInputs(em, app.clientId), 'fhir-url': em.fhirUrl, 'health-check': 'true' }
    })
    expectExit(run, 0)
    expect(run.outputs.health).toBe('healthy')
    const checks = report(run)
    expectReportShape(checks)
    expect(checks.map(c => [c.url, c.expected, c.status, c.ok])).toEqual([
      [`${em.fhirUrl}/metadata`, [200], 200, true],
      [`${em.fhirUrl}/Patient?_summary=count`, [200], 200, true]
    ])
    expect(run.summary).toContain('<table')
    expect(run.summary).toContain(app.clientId)
    expect(run.summary).toContain(app.objectId)
    expect(run.summary).toContain(app.tenantId)
    expect(run.summary).toContain('Patient?_summary=count')
  })

  it.concurrent('DICOM defaults: changefeed?limit=1&includemetadata=false answers 200', async () => {
    const em = await emulatorReady
    const run = await runAgainst(em, {
      inputs: { ...secretInputs(em), 'dicom-url': em.dicomUrl, 'health-check': 'true' }
    })
    expectExit(run, 0)
    expect(run.outputs.health).toBe('healthy')
    const checks = report(run)
    expectReportShape(checks)
    expect(checks.map(c => [c.url, c.status, c.ok])).toEqual([
      [`${em.dicomUrl}/v2/changefeed?limit=1&includemetadata=false`, 200, true]
    ])
    expect(run.summary).toContain('changefeed')
  })

  it.concurrent('a principal without a data role fails with the explanation', async () => {
    const em = await emulatorReady
    const app = noRolesApp(em)
    const run = await runAgainst(em, {
      inputs: { ...secretInputs(em, app.clientId), 'fhir-url': em.fhirUrl, 'health-check': 'true' }
    })
    expectExit(run, 1)
    expect(run.outputs.health).toBe('unhealthy')
    const checks = report(run)
    expectReportShape(checks)
    expect(checks.find(c => c.url.endsWith('/Patient?_summary=count'))).toMatchObject({ status: 403, ok: false })
    const errors = errorLines(run).map(unescapeCommand).join('\n')
    expect(errors).toContain(app.objectId)
    expect(errors).toContain('FHIR Data Reader')
    expect(errors).toContain('az role assignment create')
    // The note on propagation delays, with the input that waits them out.
    expect(errors).toContain('wait-for-access')
    expect(errors).toMatch(/title=/)
    expect(run.summary).toContain('403')
  })

  it.concurrent('the same with fail-on-unhealthy false exits 0 with health=unhealthy', async () => {
    const em = await emulatorReady
    const app = noRolesApp(em)
    const run = await runAgainst(em, {
      inputs: {
        ...secretInputs(em, app.clientId),
        'dicom-url': em.dicomUrl,
        'health-check': 'true',
        'fail-on-unhealthy': 'false'
      }
    })
    expectExit(run, 0)
    expect(run.outputs.health).toBe('unhealthy')
    expect(report(run)).toEqual([expect.objectContaining({ status: 403, ok: false })])
    expect(errorLines(run)).toEqual([])
    const warnings = workflowCommands(run.stdout)
      .filter(c => c.command === 'warning')
      .map(c => unescapeCommand(c.line))
      .join('\n')
    expect(warnings).toContain(app.objectId)
    expect(warnings).toContain('DICOM Data Reader')
  })

  it.concurrent('429s then success: the check passes after honouring Retry-After', async () => {
    const em = await emulatorReady
    const run = await runAgainst(em, {
      inputs: {
        ...secretInputs(em),
        'fhir-url': em.fhirUrl,
        'health-check-paths': `${THROTTLED_PATH.slice(1)} 200`
      }
    })
    expectExit(run, 0)
    const [check] = report(run)
    expect(check).toMatchObject({ status: 200, ok: true, attempts: 3 })
    const throttled = em.requests().filter(r => r.path === THROTTLED_PATH)
    expect(throttled.map(r => r.status)).toEqual([429, 429, 200])
  })

  it.concurrent('a cross-origin redirect never delivers the token', async () => {
    const em = await emulatorReady
    const run = await runAgainst(em, {
      inputs: {
        ...secretInputs(em),
        'fhir-url': em.fhirUrl,
        'health-check-paths': `${REDIRECTED_PATH.slice(1)} 200`,
        'fail-on-unhealthy': 'false'
      }
    })
    expectExit(run, 0)
    expect(run.outputs.health).toBe('unhealthy')
    const [check] = report(run)
    expect(check?.ok).toBe(false)
    expect(`${check?.error ?? ''} ${String(check?.status)}`).toMatch(/redirect|302/i)
    const fhirOrigin = new URL(em.fhirUrl).origin
    const token = run.outputs.token ?? ''
    const carriedElsewhere = em.requests().filter(r => r.origin !== fhirOrigin && r.bearerToken === token)
    expect(carriedElsewhere).toEqual([])
    const reachedRedirect = em.requests().filter(r => r.path.startsWith(REDIRECTED_PATH))
    expect(reachedRedirect.length).toBeGreaterThan(0)
    expect(reachedRedirect.every(r => r.status === 302)).toBe(true)
  })
})

describe('role propagation', () => {
  it('a role granted while the check is being denied passes with wait-for-access', async () => {
    const em = await startEmulator()
    emulators.push(em)
    const app = noRolesApp(em)
    expect(em.scenario.roles[app.objectId]).toBeUndefined()
    // Not awaited: the role is granted only once the check has been denied, so the test does not depend on how long
    // process start-up and sign-in take.
    const running = runAgainst(em, {
      inputs: {
        ...secretInputs(em, app.clientId),
        'fhir-url': em.fhirUrl,
        'health-check': 'true',
        'wait-for-access': '60s'
      }
    })
    let ended = false
    void running.finally(() => (ended = true)).catch(() => undefined)
    await pollUntil(() => ended || em.requests().some(isDeniedPatientCheck), 30_000)
    const deniedSeen = em.requests().some(isDeniedPatientCheck)
    if (deniedSeen) em.setScenario({ roles: { [app.objectId]: [{ role: 'FHIR Data Reader', service: 'fhir' }] } })
    const run = await running
    expect(deniedSeen).toBe(true)
    expectExit(run, 0)
    expect(run.outputs.health).toBe('healthy')
    const patient = report(run).find(c => c.url.endsWith('/Patient?_summary=count'))
    expect(patient?.attempts).toBeGreaterThan(1)
    const statuses = em
      .requests()
      .filter(r => r.path === '/Patient?_summary=count')
      .map(r => r.status)
    expect(statuses.length).toBeGreaterThanOrEqual(2)
    expect(statuses.slice(0, -1).every(status => status === 403)).toBe(true)
    expect(statuses.at(-1)).toBe(200)
    // One line per retry, with the status and the time left (not just any 403, which a masked token could hold).
    expect(run.stdout).toMatch(
      /^Health check \/?Patient\?_summary=count: 403, waiting for access; retry in .+, .+ left of wait-for-access$/m
    )
    const claims = jwtClaims(run.outputs.token ?? '')
    expect(claims.oid).toBe(app.objectId)
  }, 60_000)
})

const isDeniedPatientCheck = (r: RequestLogEntry): boolean => r.path === '/Patient?_summary=count' && r.status === 403

/** Polls until the condition holds or the time is up; says which. */
async function pollUntil(condition: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs
  while (!condition()) {
    if (Date.now() >= deadline) return false
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return true
}
