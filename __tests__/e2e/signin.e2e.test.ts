// Every sign-in the action supports here, run as the runner runs it, against FHIR and DICOM on the emulator.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type Emulator, startEmulator } from '../../emulator/index.ts'
import { DICOM_AUDIENCE } from '../../emulator/scenario.ts'
import { jwtClaims } from '../../emulator/runner.ts'
import { emulatorInfo } from '../../emulator/info.ts'
import { appByClientId, errorLines, expectExit, oidcInputs, runAgainst, secretInputs } from './world.ts'

let em: Emulator

beforeAll(async () => {
  em = await startEmulator()
})

afterAll(async () => {
  await em.stop()
})

type Service = 'fhir' | 'dicom'

interface SignInCase {
  readonly name: string
  /** The object ID the token must carry. */
  readonly objectId: () => string
  readonly inputs: () => Record<string, string>
  readonly env?: () => Record<string, string>
}

const info = () => emulatorInfo(em)
const appObjectId = () => appByClientId(em, info().clientId).objectId
const systemIdentity = () => em.scenario.managedIdentities.find(mi => mi.kind === 'system')
const userIdentity = () => em.scenario.managedIdentities.find(mi => mi.kind === 'user')
const managedIdentityEnv = () => ({
  IDENTITY_ENDPOINT: em.managedIdentityEndpoint,
  IDENTITY_HEADER: em.managedIdentityHeader
})

const cases: readonly SignInCase[] = [
  {
    // auth-type left at its default: auto picks OIDC from client-id and tenant-id.
    name: 'oidc (auto)',
    objectId: appObjectId,
    inputs: () => Object.fromEntries(Object.entries(oidcInputs(em)).filter(([name]) => name !== 'auth-type'))
  },
  {
    name: 'client-secret',
    objectId: appObjectId,
    inputs: () => secretInputs(em)
  },
  {
    name: 'client-certificate',
    objectId: appObjectId,
    inputs: () => ({
      ...oidcInputs(em),
      'auth-type': 'client-certificate',
      'client-certificate': info().certificatePem
    })
  },
  {
    name: 'creds (AZURE_CREDENTIALS JSON)',
    objectId: appObjectId,
    inputs: () => ({
      creds: JSON.stringify({
        clientId: info().clientId,
        clientSecret: info().clientSecret,
        tenantId: info().tenantId,
        subscriptionId: '00000000-0000-0000-0000-000000000000',
        activeDirectoryEndpointUrl: info().authorityHost
      }),
      'authority-host': info().authorityHost
    })
  },
  {
    name: 'managed-identity (system-assigned)',
    objectId: () => systemIdentity()?.objectId ?? 'missing',
    inputs: () => ({ 'auth-type': 'managed-identity' }),
    env: managedIdentityEnv
  },
  {
    name: 'managed-identity (user-assigned, by client ID)',
    objectId: () => userIdentity()?.objectId ?? 'missing',
    inputs: () => ({ 'auth-type': 'managed-identity', 'client-id': userIdentity()?.clientId ?? '' }),
    env: managedIdentityEnv
  }
]

const services: readonly Service[] = ['fhir', 'dicom']

describe.each(services)('sign-in for %s', service => {
  it.concurrent.each(cases.map(c => [c.name, c] as const))('%s', async (_name, signIn) => {
    const serviceInput: Record<string, string> =
      service === 'fhir' ? { 'fhir-url': em.fhirUrl } : { 'dicom-url': em.dicomUrl }
    const exportVariable = service === 'fhir' ? 'FHIR_TOKEN' : 'DICOM_TOKEN'
    const run = await runAgainst(em, {
      inputs: { ...signIn.inputs(), ...serviceInput, 'export-variable': exportVariable },
      env: signIn.env?.() ?? {}
    })
    expectExit(run, 0)

    const token = run.outputs.token ?? ''
    const claims = jwtClaims(token)
    const audience = service === 'fhir' ? new URL(em.fhirUrl).origin : DICOM_AUDIENCE
    expect(claims.aud).toBe(audience)
    expect(run.outputs.resource).toBe(audience)
    expect(claims.oid).toBe(signIn.objectId())
    expect(run.outputs['object-id']).toBe(claims.oid)
    expect(run.outputs['app-id']).toBe(claims.appid)
    expect(run.outputs['tenant-id']).toBe(claims.tid)
    expect(claims.tid).toBe(info().tenantId)

    const expiresOn = run.outputs['expires-on'] ?? ''
    expect(expiresOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/)
    expect(Math.abs(Date.parse(expiresOn) / 1000 - Number(claims.exp))).toBeLessThanOrEqual(1)
    expect(Date.parse(expiresOn)).toBeGreaterThan(Date.now())

    expect(run.exportedEnv).toEqual({ [exportVariable]: token })
    expect(run.outputs.health).toBe('skipped')
    expect(run.stdout).toContain(`::add-mask::${token}`)
    expect(run.stdout.split('\n').filter(line => line.startsWith('Signed in'))).toHaveLength(1)
    expect(errorLines(run)).toEqual([])
  })
})
