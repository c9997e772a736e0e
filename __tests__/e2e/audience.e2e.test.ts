// The audience of the GitHub OIDC token per cloud, as GitHub receives it (the emulator's request log): the
// environment's recommended federated-credential audience when audience is not given, the input when it is.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type Emulator, defaultScenario, startEmulator } from '../../emulator/index.ts'
import { jwtClaims } from '../../emulator/runner.ts'
import { expectExit, expectOneClearError, oidcInputs, runAgainst } from './world.ts'

const AUDIENCES = {
  AzureCloud: 'api://AzureADTokenExchange',
  AzureUSGovernment: 'api://AzureADTokenExchangeUSGov',
  AzureChinaCloud: 'api://AzureADTokenExchangeChina'
} as const

let em: Emulator

beforeAll(async () => {
  em = await startEmulator()
})

afterAll(async () => {
  await em.stop()
})

/** The audiences GitHub was asked for, in order. */
function askedAudiences(): (string | null)[] {
  return em
    .requests()
    .filter(r => r.party === 'github')
    .map(r => new URL(r.path, 'https://github.invalid').searchParams.get('audience'))
}

/** The default app trusting the workflow for each cloud's audience. */
function trustingEveryCloud(): void {
  const [app, ...rest] = defaultScenario.apps
  if (app === undefined) throw new Error('no default app')
  const credential = app.federatedCredentials?.[0]
  if (credential === undefined) throw new Error('no default federated credential')
  em.setScenario({
    apps: [{ ...app, federatedCredentials: [{ ...credential, audiences: Object.values(AUDIENCES) }] }, ...rest]
  })
}

describe('the OIDC audience sent to GitHub', () => {
  it.each(Object.entries(AUDIENCES))('environment %s: %s', async (environment, audience) => {
    trustingEveryCloud()
    em.clearRequests()
    // authority-host keeps the sign-in on the emulator whatever the cloud.
    const run = await runAgainst(em, { inputs: { ...oidcInputs(em), environment, 'fhir-url': em.fhirUrl } })
    expectExit(run, 0)
    expect(askedAudiences()).toEqual([audience])
    expect(run.stdout).toContain(`aud="${audience}"`)
    expect(jwtClaims(run.outputs.token ?? '').appid).toBe(oidcInputs(em)['client-id'])
  })

  it('a given audience wins over the cloud default', async () => {
    trustingEveryCloud()
    em.clearRequests()
    const run = await runAgainst(em, {
      inputs: {
        ...oidcInputs(em),
        environment: 'AzureUSGovernment',
        audience: AUDIENCES.AzureCloud,
        'fhir-url': em.fhirUrl
      }
    })
    expectExit(run, 0)
    expect(askedAudiences()).toEqual([AUDIENCES.AzureCloud])
  })

  it("a credential that lists only the public audience: the fix command names the cloud's audience", async () => {
    em.setScenario({})
    em.clearRequests()
    const run = await runAgainst(em, {
      inputs: { ...oidcInputs(em), environment: 'AzureChinaCloud', 'fhir-url': em.fhirUrl }
    })
    const message = expectOneClearError(run, /lists the GitHub token's audience/)
    expect(askedAudiences()).toEqual([AUDIENCES.AzureChinaCloud])
    expect(message).toContain(`"audiences":["${AUDIENCES.AzureChinaCloud}"]`)
  })
})
