// The de-identification service, and several services in one step, run as the runner runs the bundle: the tokens'
// audiences, the requests each run made, the checks per service and the outputs.
import { afterAll, describe, expect, it } from '@jest/globals'
import { join } from 'node:path'
import {
  DEID_AUDIENCE,
  DICOM_AUDIENCE,
  type Emulator,
  NO_ROLES_CLIENT_ID,
  OIDC_REQUEST_PATH,
  startEmulator
} from '../../emulator/index.ts'
import { type ActionRun, jwtClaims, nodeBin, unescapeCommand } from '../../emulator/runner.ts'
import { CLIENTS, laterStep, startServingJob } from './serve-job.ts'
import { errorLines, expectExit, oidcInputs, runAgainst, secretInputs, tokenPath } from './world.ts'

interface CheckReport {
  service?: string
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

/** The three services of the emulator's workspace. */
const workspace = (em: Emulator): Record<string, string> => ({
  'fhir-url': em.fhirUrl,
  'dicom-url': em.dicomUrl,
  'deid-url': em.deidUrl
})

describe('several services in one step', () => {
  it.concurrent(
    'FHIR, DICOM and de-identification with OIDC: one GitHub token, three Entra requests, a token and checks each',
    async () => {
      // An emulator of its own, so that its request log holds this run only.
      const em = await startEmulator()
      try {
        const run = await runAgainst(em, {
          inputs: {
            ...oidcInputs(em),
            ...workspace(em),
            'health-check': 'true',
            'export-variable': 'fhir: FHIR_TOKEN\ndicom: DICOM_TOKEN\ndeid: DEID_TOKEN'
          }
        })
        expectExit(run, 0)
        const requests = em.requests()
        expect(requests.filter(r => r.party === 'github' && r.path.startsWith(OIDC_REQUEST_PATH))).toHaveLength(1)
        expect(
          requests.filter(r => r.party === 'entra' && r.method === 'POST' && r.path.startsWith(tokenPath(em)))
        ).toHaveLength(3)
        // The sign-in host's metadata once: the first token warms the credential for the others.
        expect(requests.filter(r => r.party === 'entra' && r.path.endsWith('/openid-configuration'))).toHaveLength(1)

        const audiences = ['fhir', 'dicom', 'deid'].map(kind => jwtClaims(run.outputs[`${kind}-token`] ?? '').aud)
        expect(audiences).toEqual([em.fhirUrl, DICOM_AUDIENCE, DEID_AUDIENCE])
        for (const kind of ['fhir', 'dicom', 'deid']) {
          expect(Date.parse(run.outputs[`${kind}-expires-on`] ?? '')).toBeGreaterThan(Date.now())
        }
        // Which token `token` would be is not guessed: with several services it is left unset.
        expect([run.outputs.token, run.outputs['expires-on'], run.outputs.resource]).toEqual([
          undefined,
          undefined,
          undefined
        ])
        expect(run.exportedEnv).toEqual({
          FHIR_TOKEN: run.outputs['fhir-token'],
          DICOM_TOKEN: run.outputs['dicom-token'],
          DEID_TOKEN: run.outputs['deid-token']
        })
        // Each service's checks went with its own token.
        for (const [party, kind] of [
          ['fhir', 'fhir'],
          ['dicom', 'dicom'],
          ['deid', 'deid']
        ] as const) {
          const sent = requests.filter(r => r.party === party && r.bearerToken !== undefined).map(r => r.bearerToken)
          expect(new Set(sent)).toEqual(new Set([run.outputs[`${kind}-token`]]))
        }

        expect(run.outputs.health).toBe('healthy')
        expect(report(run).map(c => [c.service, c.url, c.status])).toEqual([
          ['fhir', `${em.fhirUrl}/metadata`, 200],
          ['fhir', `${em.fhirUrl}/Patient?_summary=count`, 200],
          ['dicom', `${em.dicomUrl}/v2/changefeed?limit=1&includemetadata=false`, 200],
          ['deid', `${em.deidUrl}/jobs?api-version=2024-11-15&maxpagesize=1`, 200]
        ])
        const headings = [...run.summary.matchAll(/<h4>([^<]+)<\/h4>/g)].map(match => match[1])
        expect(headings).toEqual(['FHIR service', 'DICOM service', 'de-identification service'])
      } finally {
        await em.stop()
      }
    }
  )

  it.concurrent('health-check-paths lines go to the service their prefix names', async () => {
    const em = await emulatorReady
    const paths = ['dicom: studies 200,204', 'deid: jobs?maxpagesize=5', 'fhir: Patient?_summary=count'].join('\n')
    const run = await runAgainst(em, {
      inputs: { ...secretInputs(em), ...workspace(em), 'health-check-paths': paths }
    })
    expectExit(run, 0)
    expect(report(run).map(c => [c.service, c.url, c.status])).toEqual([
      ['fhir', `${em.fhirUrl}/Patient?_summary=count`, 200],
      ['dicom', `${em.dicomUrl}/v2/studies`, 204],
      ['deid', `${em.deidUrl}/jobs?maxpagesize=5&api-version=2024-11-15`, 200]
    ])
  })

  it.concurrent('an unprefixed health-check-paths line with several services is one clear error', async () => {
    const em = await emulatorReady
    const run = await runAgainst(em, {
      inputs: { ...secretInputs(em), ...workspace(em), 'health-check-paths': 'metadata' }
    })
    expectExit(run, 1)
    const [error] = errorLines(run).map(unescapeCommand)
    expect(error).toContain("Input 'health-check-paths': line 1")
    expect(error).toContain('begin it with fhir:, dicom: or deid:')
  })

  it('serve-tokens serves every service of the step to a later DefaultAzureCredential', async () => {
    const em = await emulatorReady
    const job = await startServingJob(em, { ...secretInputs(em), ...workspace(em) })
    try {
      const step = await laterStep([nodeBin, join(CLIENTS, 'workspace-client.ts')], em, job, { DEID_URL: em.deidUrl })
      if (step.exitCode !== 0) throw new Error(`the later step failed\n${step.stdout}\n${step.stderr}`)
      const results = JSON.parse(step.stdout.trim().split('\n').at(-1) ?? '') as Record<string, unknown>
      expect(results).toEqual({
        fhir: { status: 200, aud: em.fhirUrl },
        dicom: { status: 200, aud: DICOM_AUDIENCE },
        deid: { status: 200, aud: DEID_AUDIENCE }
      })
      expect(JSON.parse(job.exported.AHDS_TOKEN_SERVER ?? '{}')).toMatchObject({
        resources: [em.fhirUrl, DICOM_AUDIENCE, DEID_AUDIENCE]
      })
      expectExit(await job.post(), 0)
    } finally {
      job.cleanup()
    }
  })
})
