// The bench's floors are only a yardstick while they make the requests the action makes: the library-free floor and
// the network floor the action's four (GitHub token, Entra ID token, the two default FHIR checks), the
// identity-library floor exactly the action's, the library's own among them. Each runs here the way the bench runs it, against the emulator.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type Emulator, startEmulator } from '../../emulator/index.ts'
import { emulatorInfo, oidcStepInputs } from '../../emulator/info.ts'
import { type ActionRun, describeRun, nodeBin, runAction } from '../../emulator/runner.ts'
import { type LibraryFloor, bundleLibraryFloor } from '../../scripts/bench/library-floor-bundle.ts'
import { FLOOR_SCRIPT, NETWORK_FLOOR_SCRIPT } from '../../scripts/bench/sample.ts'

let em: Emulator
let libraryFloor: LibraryFloor

beforeAll(async () => {
  em = await startEmulator()
  libraryFloor = await bundleLibraryFloor()
})

afterAll(async () => {
  await em.stop()
  libraryFloor.dispose()
})

/** One run with the default checks' inputs, and the requests it made, as `party METHOD path` sorted. */
async function requestsOf(prefix?: readonly string[]): Promise<{ run: ActionRun; requests: string[] }> {
  const before = em.requests().length
  const run = await runAction({
    inputs: { ...oidcStepInputs(emulatorInfo(em)), 'fhir-url': em.fhirUrl, 'health-check': 'true' },
    env: em.env(),
    ...(prefix === undefined ? {} : { prefix })
  })
  const requests = em
    .requests()
    .slice(before)
    // The query is left out (request IDs, api-version), except the one that tells the two FHIR checks apart.
    .map(r => `${r.party} ${r.method} ${r.path.replace(/\?(?!_summary).*$/, '')}`)
    .sort()
  return { run, requests }
}

describe("the bench's floors", () => {
  it('the library-free floor makes the four requests of an OIDC sign-in with the default checks, all of them the action makes', async () => {
    const action = await requestsOf()
    const floor = await requestsOf([nodeBin, FLOOR_SCRIPT])
    expect(floor.run.exitCode).toBe(0)
    expect(floor.requests.map(r => r.replace(/\/[^ ]*\/idtoken$/, '/…/idtoken'))).toEqual([
      'entra POST /' + emulatorInfo(em).tenantId + '/oauth2/v2.0/token',
      'fhir GET /Patient?_summary=count',
      'fhir GET /metadata',
      'github GET /…/idtoken'
    ])
    expect(action.run.outputs.health).toBe('healthy')
    for (const request of floor.requests) expect(action.requests).toContain(request)
  })

  it('the network floor makes the same four requests as the library-free floor', async () => {
    const floor = await requestsOf([nodeBin, FLOOR_SCRIPT])
    const network = await requestsOf([nodeBin, NETWORK_FLOOR_SCRIPT])
    if (network.run.exitCode !== 0) throw new Error(describeRun(network.run))
    const job = (r: string): string => r.replace(/\/[^ ]*\/idtoken$/, '/…/idtoken')
    expect(network.requests.map(job)).toEqual(floor.requests.map(job))
    expect(network.requests).toHaveLength(4)
  })

  it('the identity-library floor makes exactly the requests the action makes', async () => {
    const action = await requestsOf()
    const library = await requestsOf([nodeBin, libraryFloor.script])
    if (library.run.exitCode !== 0) throw new Error(describeRun(library.run))
    expect(library.requests).toEqual(action.requests)
  })

  it("bundles the identity library with the action's stand-ins, not jsonwebtoken itself", () => {
    const bundle = readFileSync(libraryFloor.script, 'utf8')
    expect(bundle).toContain('jsonwebtoken is loaded on demand')
    expect(bundle).not.toContain('JsonWebTokenError')
  })
})
