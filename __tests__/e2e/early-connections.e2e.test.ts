// Connections opened before their request is ready, seen from the servers' side: the sign-in host's is accepted while
// GitHub is still answering, each check's while Microsoft Entra ID is still answering, and each is the one its
// requests then use (no connection more than the requests need).
import { afterAll, describe, expect, it } from '@jest/globals'
import { OIDC_REQUEST_PATH, startEmulator } from '../../emulator/index.ts'
import type { ActionRun } from '../../emulator/runner.ts'
import { expectExit, oidcInputs, runAgainst, tokenPath } from './world.ts'

/** How long GitHub and the token endpoint take to answer: time for the action to connect elsewhere meanwhile. */
const GITHUB_WAIT_MS = 1500
const ENTRA_WAIT_MS = 1000

const emulatorReady = startEmulator()
afterAll(async () => {
  await (await emulatorReady).stop()
})

const checksOf = (run: ActionRun, service: string): number =>
  (JSON.parse(run.outputs['health-report'] ?? '[]') as { service?: string }[]).filter(c => c.service === service).length

describe('connections opened early', () => {
  it('the sign-in host during the GitHub wait, every check during the sign-in, each used', async () => {
    const em = await emulatorReady
    em.setScenario({
      faults: [
        { party: 'github', pathPrefix: OIDC_REQUEST_PATH, delayMs: GITHUB_WAIT_MS },
        { party: 'entra', method: 'POST', pathPrefix: tokenPath(em), delayMs: ENTRA_WAIT_MS }
      ]
    })
    em.clearRequests()
    const run = await runAgainst(em, {
      inputs: { ...oidcInputs(em), 'fhir-url': em.fhirUrl, 'dicom-url': em.dicomUrl, 'health-check': 'true' }
    })
    expectExit(run, 0)
    expect(run.outputs.health).toBe('healthy')

    const requests = em.requests()
    const connections = em.connections()
    const github = requests.find(r => r.party === 'github')
    const post = requests.find(r => r.party === 'entra' && r.method === 'POST')
    if (github === undefined || post === undefined) throw new Error('no GitHub or token request logged')
    // Each answer is sent after its delay, not before.
    const githubAnswered = github.time + GITHUB_WAIT_MS
    const entraAnswered = post.time + ENTRA_WAIT_MS

    // One connection to the sign-in host, made before GitHub answered, carries its metadata read and the token POST.
    const entra = connections.filter(c => c.party === 'entra')
    expect(entra).toHaveLength(1)
    expect(entra[0]?.time).toBeLessThan(githubAnswered)

    for (const service of ['fhir', 'dicom']) {
      const opened = connections.filter(c => c.party === service)
      expect(checksOf(run, service)).toBeGreaterThan(0)
      // One per check, all made before the token they carry was issued.
      expect(opened).toHaveLength(checksOf(run, service))
      for (const connection of opened) expect(connection.time).toBeLessThan(entraAnswered)
    }
  })
})
