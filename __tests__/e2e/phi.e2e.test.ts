// Health checks against services that hold patient data, end to end: every run goes through the patient-data leak
// scan (runAgainst), and each case below is one way a body could have reached the log, an annotation, the summary or
// health-report. Also what the checks send: strict search handling and the run's audit headers, as the emulator's
// request log saw them; and the warning when no check needs the token.
import { afterAll, describe, expect, it } from '@jest/globals'
import { DEFAULT_CLIENT_ID, NO_ROLES_CLIENT_ID, type Emulator, startEmulator } from '../../emulator/index.ts'
import { PHI_MARKER } from '../../emulator/patients.ts'
import { type ActionRun, decodeCommand } from '../../emulator/runner.ts'
import { findPhiLeaks } from './leaks.ts'
import { serverLog, startServingJob } from './serve-job.ts'
import { expectExit, runAgainst, secretInputs } from './world.ts'

interface CheckReport {
  url: string
  status?: number
  ok: boolean
  error?: string
}

const HTML_PATH = '/Observation?code=html-error'
const TEXT_PATH = '/Observation?code=text-error'
const DICOM_TEXT_PATH = '/v2/studies'
const PARSE_PATH = '/Observation?code=phi-parse'
const VALIDATION_PATH = '/Observation?code=phi-validation'
const DICOM_VALIDATION_PATH = '/v2/studies?StudyDate=19000101'
const fhirText = `Bad request: patient ${PHI_MARKER} unknown`
const dicomText = `DICOM100: (0010,0010) value 'Chalmers-${PHI_MARKER}' is invalid`
/** What follows the structure when free text was withheld: why, and where it can be read. */
const WITHHELD =
  "Free text of the service's error is shown only when it is one of the services' known fixed texts, since it may " +
  "quote patient data; the withheld text can be read in the service's own diagnostic logs."
const RUN_CONTEXT = {
  GITHUB_REPOSITORY: 'contoso/health-pipeline',
  GITHUB_WORKFLOW: 'Deploy FHIR',
  GITHUB_RUN_ID: '9876543210',
  GITHUB_RUN_ATTEMPT: '3',
  GITHUB_JOB: 'smoke-test'
}

// Error answers holding patient data: the services' own errors with it in their free text, and answers that are not
// the services' structured errors.
const emulatorReady = (async () => {
  const em = await startEmulator({
    scenario: {
      faults: [
        { party: 'fhir', pathPrefix: PARSE_PATH, patientDataError: 'parse' },
        { party: 'fhir', pathPrefix: VALIDATION_PATH, patientDataError: 'validation' },
        { party: 'dicom', pathPrefix: DICOM_VALIDATION_PATH, patientDataError: 'validation' },
        {
          party: 'fhir',
          pathPrefix: HTML_PATH,
          status: 502,
          headers: { 'content-type': 'text/html' },
          body: `<html><body>Gateway error for patient Chalmers-${PHI_MARKER}</body></html>`
        },
        { party: 'fhir', pathPrefix: TEXT_PATH, status: 400, body: fhirText },
        {
          party: 'dicom',
          pathPrefix: DICOM_TEXT_PATH,
          status: 500,
          body: dicomText
        }
      ]
    }
  })
  return em
})()

afterAll(async () => {
  await (await emulatorReady).stop()
})

function report(run: ActionRun): CheckReport[] {
  return JSON.parse(run.outputs['health-report'] ?? 'null') as CheckReport[]
}

const checkOf = (run: ActionRun, path: string): CheckReport | undefined =>
  report(run).find(check => check.url.endsWith(path))

/** Annotations (errors and warnings) as the runner shows them. */
function annotations(run: ActionRun, kind: 'error' | 'warning'): string[] {
  return run.stdout
    .split(/\r?\n/)
    .map(decodeCommand)
    .filter(command => command?.kind === kind)
    .map(command => command?.message ?? '')
}

const fhirInputs = (em: Emulator, paths: string, clientId = DEFAULT_CLIENT_ID): Record<string, string> => ({
  ...secretInputs(em, clientId),
  'fhir-url': em.fhirUrl,
  'health-check-paths': paths,
  'fail-on-unhealthy': 'false'
})

describe('no patient data in any output', () => {
  it.concurrent('the defaults read none: a Patient count and the change feed without metadata', async () => {
    const em = await emulatorReady
    const fhir = await runAgainst(em, {
      inputs: { ...secretInputs(em), 'fhir-url': em.fhirUrl, 'health-check': 'true' },
      env: { RUNNER_DEBUG: '1' }
    })
    expectExit(fhir, 0)
    expect(fhir.outputs.health).toBe('healthy')
    const dicom = await runAgainst(em, {
      inputs: { ...secretInputs(em), 'dicom-url': em.dicomUrl, 'health-check': 'true' },
      env: { RUNNER_DEBUG: '1' }
    })
    expectExit(dicom, 0)
    expect(dicom.outputs.health).toBe('healthy')
    const paths = em.requests().map(entry => entry.path)
    expect(paths).toContain('/Patient?_summary=count')
    expect(paths).toContain('/v2/changefeed?limit=1&includemetadata=false')
  })

  it.concurrent('a denial check that unexpectedly gets 200 says so, and not what the answer held', async () => {
    const em = await emulatorReady
    const run = await runAgainst(em, {
      inputs: { ...fhirInputs(em, 'Patient?_count=2 403\nPatient/pat-1 403'), 'fail-on-unhealthy': 'true' },
      env: { RUNNER_DEBUG: '1' }
    })
    expectExit(run, 1)
    for (const path of ['/Patient?_count=2', '/Patient/pat-1']) {
      const check = checkOf(run, path)
      expect(check).toMatchObject({ status: 200, ok: false })
      expect(check?.error).toBe(
        'Expected 403, got 200: the service allowed a request this check expects it to refuse, so the identity has ' +
          "more access than the check allows. The answer's body is not shown: it may hold patient data."
      )
    }
    expect(annotations(run, 'error').join('\n')).toContain("The answer's body is not shown")
  })

  it.concurrent('user checks on paths that return patient data pass without showing it', async () => {
    const em = await emulatorReady
    const fhir = await runAgainst(em, {
      inputs: fhirInputs(em, 'Patient?_count=2\nPatient/pat-1\nPatient?name=Chalmers 200'),
      env: { RUNNER_DEBUG: '1' }
    })
    expectExit(fhir, 0)
    expect(fhir.outputs.health).toBe('healthy')
    const dicom = await runAgainst(em, {
      inputs: {
        ...secretInputs(em),
        'dicom-url': em.dicomUrl,
        'health-check-paths': 'changefeed?limit=10\nchangefeed/latest\nstudies?limit=1 200'
      },
      env: { RUNNER_DEBUG: '1' }
    })
    // studies answers 500 with patient data in plain text (a fault): failed, and summed up, never quoted.
    expectExit(dicom, 1)
    expect(checkOf(dicom, '/changefeed?limit=10')).toMatchObject({ status: 200, ok: true })
    expect(checkOf(dicom, '/changefeed/latest')).toMatchObject({ status: 200, ok: true })
    expect(checkOf(dicom, '/studies?limit=1')?.error).toBe(
      `Expected 200, got 500: the plain-text body withheld (${String(dicomText.length)} characters). ${WITHHELD}`
    )
  })

  it.concurrent('an HTML or plain-text error holding patient data is summed up by type or length only', async () => {
    const em = await emulatorReady
    const run = await runAgainst(em, {
      inputs: fhirInputs(em, `${HTML_PATH.slice(1)}\n${TEXT_PATH.slice(1)}`),
      env: { RUNNER_DEBUG: '1' }
    })
    expectExit(run, 0)
    expect(run.outputs.health).toBe('unhealthy')
    expect(checkOf(run, HTML_PATH)?.error).toMatch(
      /^Expected 200, got 502: the body \(text\/html, \d+ bytes\) is not shown/
    )
    expect(checkOf(run, TEXT_PATH)?.error).toBe(
      `Expected 200, got 400: the plain-text body withheld (${String(fhirText.length)} characters). ${WITHHELD}`
    )
    expect(annotations(run, 'warning')).toHaveLength(2)
  })

  it.concurrent(
    'FHIR errors with patient data in diagnostics and details.text (500, 422): the check fails, naming the status ' +
      'and the codes; the free text is withheld',
    async () => {
      const em = await emulatorReady
      const fhir = await runAgainst(em, {
        inputs: {
          ...fhirInputs(em, `${PARSE_PATH.slice(1)}\n${VALIDATION_PATH.slice(1)}`),
          'fail-on-unhealthy': 'true'
        },
        env: { RUNNER_DEBUG: '1' }
      })
      expectExit(fhir, 1)
      expect(fhir.outputs.health).toBe('unhealthy')
      const parse = checkOf(fhir, PARSE_PATH)
      expect(parse).toMatchObject({ status: 500, ok: false })
      expect(parse?.error).toMatch(
        /^Expected 200, got 500: exception \(error\): diagnostics withheld \(\d+ characters\)\. /
      )
      const validation = checkOf(fhir, VALIDATION_PATH)
      expect(validation).toMatchObject({ status: 422, ok: false })
      expect(validation?.error).toMatch(
        /^Expected 200, got 422: processing \(error\) \[5003\] at Patient\.birthDate: diagnostics withheld \(\d+ characters\); details\.text withheld \(\d+ characters\)\. /
      )
      for (const check of [parse, validation]) expect(check?.error?.endsWith(WITHHELD)).toBe(true)
      const errors = annotations(fhir, 'error').join('\n')
      expect(errors).toContain('got 500: exception (error)')
      expect(errors).toContain('got 422: processing (error)')
      expect(fhir.summary).toContain('exception (error): diagnostics withheld')
    }
  )

  it.concurrent(
    'a DICOM error with patient data in its JSON message (400), in a job with a token server: the check fails, ' +
      "naming the status and the code; the message is withheld, the server's log and the post step included",
    async () => {
      const em = await emulatorReady
      const job = await startServingJob(em, {
        ...secretInputs(em),
        'dicom-url': em.dicomUrl,
        'health-check-paths': DICOM_VALIDATION_PATH.slice('/v2/'.length),
        'fail-on-unhealthy': 'false'
      })
      try {
        const dicom = checkOf(job.main, DICOM_VALIDATION_PATH)
        expect(dicom).toMatchObject({ status: 400, ok: false })
        expect(dicom?.error).toMatch(/^Expected 200, got 400: ValidationFailed: message withheld \(\d+ characters\)\. /)
        expect(annotations(job.main, 'warning').join('\n')).toContain('got 400: ValidationFailed')
        const log = serverLog(job)
        expect(log).toContain('listening on')
        expect(findPhiLeaks(job.main, { serverLog: log })).toEqual([])
        expectExit(await job.post(), 0)
      } finally {
        job.cleanup()
      }
    }
  )

  it.concurrent('known fixed texts are still quoted: the FHIR and DICOM denials, a missing resource', async () => {
    const em = await emulatorReady
    const fhir = await runAgainst(em, {
      inputs: fhirInputs(em, 'Patient?_summary=count\nPatient/no-such-patient', NO_ROLES_CLIENT_ID)
    })
    expect(checkOf(fhir, '/Patient?_summary=count')?.error).toMatch(
      /^Expected 200, got 403: forbidden \(error\): Authorization failed\.\n/
    )
    const read = await runAgainst(em, { inputs: fhirInputs(em, 'Patient/no-such-patient') })
    expect(checkOf(read, '/Patient/no-such-patient')?.error).toBe(
      "Expected 200, got 404: not-found (error): Resource type 'Patient' with id 'no-such-patient' couldn't be found."
    )
    const dicom = await runAgainst(em, {
      inputs: {
        ...secretInputs(em, NO_ROLES_CLIENT_ID),
        'dicom-url': em.dicomUrl,
        'health-check-paths': 'changefeed?limit=1&includemetadata=false',
        'fail-on-unhealthy': 'false'
      }
    })
    expect(checkOf(dicom, '/changefeed?limit=1&includemetadata=false')?.error).toMatch(
      /^Expected 200, got 403: Authorization failed\.\n/
    )
  })
})

describe('what FHIR checks send', () => {
  it.concurrent('strict search handling: a mistyped parameter fails with the service diagnostic, named', async () => {
    const em = await emulatorReady
    const run = await runAgainst(em, { inputs: fhirInputs(em, 'Patient?_cout=1') })
    const check = checkOf(run, '/Patient?_cout=1')
    expect(check).toMatchObject({ status: 400, ok: false })
    expect(check?.error).toContain(
      "Expected 200, got 400: not-supported (error): The search parameter '_cout' is not supported for resource type " +
        "'Patient'."
    )
    expect(check?.error).toContain("Correct or remove '_cout' in health-check-paths.")
    const sent = em.requests().filter(entry => entry.path === '/Patient?_cout=1')
    expect(sent.map(entry => [entry.prefer, entry.status])).toEqual([['handling=strict', 400]])
  })

  it.concurrent("audit headers carry the run's context to FHIR, and can be turned off", async () => {
    const em = await emulatorReady
    const tagged = 'Observation?_summary=count&_id=audit-on'
    await runAgainst(em, { inputs: fhirInputs(em, tagged), env: RUN_CONTEXT })
    const [on] = em.requests().filter(entry => entry.path === `/${tagged}`)
    expect(on?.auditHeaders).toEqual({
      'x-ms-azurefhir-audit-source': 'azure-health-data-services-token',
      'x-ms-azurefhir-audit-repository': 'contoso/health-pipeline',
      'x-ms-azurefhir-audit-workflow': 'Deploy FHIR',
      'x-ms-azurefhir-audit-run-id': '9876543210',
      'x-ms-azurefhir-audit-run-attempt': '3',
      'x-ms-azurefhir-audit-job': 'smoke-test'
    })
    const untagged = 'Observation?_summary=count&_id=audit-off'
    await runAgainst(em, {
      inputs: { ...fhirInputs(em, untagged), 'audit-headers': 'false' },
      env: RUN_CONTEXT
    })
    const [off] = em.requests().filter(entry => entry.path === `/${untagged}`)
    expect(off?.status).toBe(200)
    expect(off?.auditHeaders).toBeUndefined()
    // Strict handling does not depend on the audit headers.
    expect(off?.prefer).toBe('handling=strict')
  })

  it.concurrent('DICOM checks carry neither', async () => {
    const em = await emulatorReady
    await runAgainst(em, {
      inputs: {
        ...secretInputs(em),
        'dicom-url': em.dicomUrl,
        'health-check-paths': 'changefeed/latest?includemetadata=false'
      },
      env: RUN_CONTEXT
    })
    const sent = em.requests().filter(entry => entry.path === '/v2/changefeed/latest?includemetadata=false')
    expect(sent).toHaveLength(1)
    expect(sent[0]?.auditHeaders).toBeUndefined()
    expect(sent[0]?.prefer).toBeUndefined()
  })
})

describe('checks that prove nothing about the token', () => {
  it.concurrent('only anonymous endpoints: healthy, with a warning naming the check to add', async () => {
    const em = await emulatorReady
    const run = await runAgainst(em, {
      inputs: fhirInputs(em, 'metadata\n.well-known/smart-configuration\nhealth/check')
    })
    expectExit(run, 0)
    expect(run.outputs.health).toBe('healthy')
    const warnings = annotations(run, 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain("the checks do not prove that the token or the identity's access works")
    expect(warnings[0]).toContain('Patient?_summary=count')
  })

  it.concurrent('a denial check by an identity without a role passes, and silences the warning', async () => {
    const em = await emulatorReady
    const run = await runAgainst(em, {
      inputs: fhirInputs(em, 'metadata\nPatient?_summary=count 403', NO_ROLES_CLIENT_ID)
    })
    expectExit(run, 0)
    expect(run.outputs.health).toBe('healthy')
    expect(checkOf(run, '/Patient?_summary=count')).toMatchObject({ status: 403, ok: true })
    expect(annotations(run, 'warning')).toEqual([])
  })
})
