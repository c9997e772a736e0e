// The de-identification service, and several services in one step, run as the runner runs the bundle: the tokens'
// audiences, the requests each run made, the checks per service and the outputs.
import { afterAll, describe, expect, it } from '@jest/globals'
import { DEID_AUDIENCE, NO_ROLES_CLIENT_ID, startEmulator } from '../../emulator/index.ts'
import { type ActionRun, jwtClaims } from '../../emulator/runner.ts'
import { errorLines, expectExit, runAgainst, secretInputs } from './world.ts'
import { unescapeCommand } from '../../emulator/runner.ts'

interface CheckReport {
  url: string
  status?: number
  ok: boolean
  error?: string
}

const emulatorReady = startEmulator()
afterAll(async () => {
  await (await emulatorReady).stop()
})

const report = (run: ActionRun): CheckReport[] => JSON.parse(run.outputs['health-report'] ?? 'null') as CheckReport[]

describe('the de-identification service alone', () => {
  it.concurrent('default check: one page of at most one job, with a token for https://deid.azure.com', async () => {
    const em = await emulatorReady
    const run = await runAgainst(em, {
      inputs: { ...secretInputs(em), 'deid-url': em.deidUrl, 'health-check': 'true' }
    })
    expectExit(run, 0)
    expect(jwtClaims(run.outputs.token ?? '').aud).toBe(DEID_AUDIENCE)
    expect(run.outputs.resource).toBe(DEID_AUDIENCE)
    expect(run.outputs.health).toBe('healthy')
    expect(report(run).map(c => [c.url, c.status, c.ok])).toEqual([
      [`${em.deidUrl}/jobs?api-version=2024-11-15&maxpagesize=1`, 200, true]
    ])
  })

  it.concurrent('a path without the API version gets it added', async () => {
    const em = await emulatorReady
    const run = await runAgainst(em, {
      inputs: { ...secretInputs(em), 'deid-url': em.deidUrl, 'health-check-paths': 'jobs?maxpagesize=2' }
    })
    expectExit(run, 0)
    expect(report(run).map(c => [c.url, c.status])).toEqual([
      [`${em.deidUrl}/jobs?maxpagesize=2&api-version=2024-11-15`, 200]
    ])
  })

  it.concurrent('a 403 is explained with the DeID roles and the service scope', async () => {
    const em = await emulatorReady
    const run = await runAgainst(em, {
      inputs: { ...secretInputs(em, NO_ROLES_CLIENT_ID), 'deid-url': em.deidUrl, 'health-check': 'true' }
    })
    expectExit(run, 1)
    const [check] = report(run)
    expect(check?.status).toBe(403)
    const error = unescapeCommand(errorLines(run)[0] ?? '')
    expect(error).toContain('The de-identification service accepted the token but denied access (403)')
    expect(error).toContain('Roles that grant a read: DeID Batch Data Reader, DeID Batch Data Owner, DeID Data Owner')
    expect(error).toContain('DeID Realtime Data User is not enough')
    expect(error).toContain('--role "DeID Batch Data Reader"')
    expect(error).toContain('Microsoft.HealthDataAIServices/deidServices/')
  })
})
