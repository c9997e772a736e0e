import { describe, expect, it } from '@jest/globals'
import { DEFAULT_TENANT_ID } from '../../emulator/index.ts'
import { PHI_BIRTH_DATE, PHI_MARKER } from '../../emulator/patients.ts'
import { call, parseJson } from './helpers.ts'
import { useEmulator } from '../support/emulator.ts'

const emu = await useEmulator()

const healthUrl = (): string => `${emu.fhirUrl}/health/check`

describe('scripted faults', () => {
  it('answers the first N matching calls with the fault, then normally; setScenario resets the count', async () => {
    const fault = { party: 'fhir' as const, pathPrefix: '/health', status: 503, body: { message: 'busy' }, times: 2 }
    emu.setScenario({ faults: [fault] })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await call(emu, healthUrl())).status)
    expect(statuses).toEqual([503, 503, 200])
    emu.setScenario({ faults: [fault] })
    expect((await call(emu, healthUrl())).status).toBe(503)
  })

  it('matches on party, path prefix and method', async () => {
    emu.setScenario({ faults: [{ party: 'entra', method: 'POST', status: 500 }] })
    expect((await call(emu, healthUrl())).status).toBe(200)
    expect(
      (await call(emu, `${emu.authorityHost}/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`)).status
    ).toBe(200)
    const post = await call(emu, `${emu.authorityHost}/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      body: ''
    })
    expect(post.status).toBe(500)
  })

  it('presets FHIR throttling: 429 OperationOutcome "throttled" with Retry-After and x-ms-retry-after-ms', async () => {
    emu.setScenario({ faults: [{ party: 'fhir', throttle: { retryAfterMs: 1500 }, times: 1 }] })
    const res = await call(emu, `${emu.fhirUrl}/Patient`)
    expect(res.status).toBe(429)
    expect(res.headers['retry-after']).toBe('2')
    expect(res.headers['x-ms-retry-after-ms']).toBe('1500')
    expect(parseJson<{ resourceType: string; issue: { code: string }[] }>(res.body)).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'throttled' }]
    })
  })

  it("presets the services' errors quoting patient data in free text", async () => {
    emu.setScenario({
      faults: [
        { party: 'fhir', pathPrefix: '/Patient/parse', patientDataError: 'parse' },
        { party: 'fhir', pathPrefix: '/Patient/validation', patientDataError: 'validation' },
        { party: 'dicom', patientDataError: 'validation' }
      ]
    })
    const parse = await call(emu, `${emu.fhirUrl}/Patient/parse`)
    expect(parse.status).toBe(500)
    expect(parseJson(parse.body)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'exception' }] })
    const validation = await call(emu, `${emu.fhirUrl}/Patient/validation`)
    expect(validation.status).toBe(422)
    expect(parseJson(validation.body)).toMatchObject({
      issue: [{ code: 'processing', expression: ['Patient.birthDate'] }]
    })
    const dicom = await call(emu, `${emu.dicomUrl}/studies`)
    expect(dicom.status).toBe(400)
    expect(parseJson(dicom.body)).toMatchObject({ error: { code: 'ValidationFailed' } })
    for (const res of [parse, validation, dicom]) expect(res.body).toContain(PHI_MARKER)
    for (const res of [parse, validation]) expect(res.body).toContain(PHI_BIRTH_DATE)
  })

  it('sends a malformed JSON body', async () => {
    emu.setScenario({ faults: [{ party: 'entra', status: 200, malformed: true }] })
    const res = await call(emu, `${emu.authorityHost}/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`)
    expect(res.status).toBe(200)
    expect(() => JSON.parse(res.body) as unknown).toThrow()
  })

  it('redirects to another origin', async () => {
    emu.setScenario({ faults: [{ party: 'fhir', redirectTo: 'https://elsewhere.example/collect' }] })
    const res = await call(emu, `${emu.fhirUrl}/Patient`)
    expect(res.status).toBe(302)
    expect(res.headers.location).toBe('https://elsewhere.example/collect')
  })

  it('delays an answer', async () => {
    emu.setScenario({ faults: [{ party: 'fhir', delayMs: 300, times: 1 }] })
    const start = Date.now()
    expect((await call(emu, healthUrl())).status).toBe(200)
    expect(Date.now() - start).toBeGreaterThanOrEqual(290)
  })

  it('hangs: no answer until the client gives up, logged with status 0', async () => {
    emu.setScenario({ faults: [{ party: 'fhir', hang: true, times: 1 }] })
    await expect(call(emu, healthUrl(), { timeoutMs: 300 })).rejects.toThrow('timeout')
    expect(emu.requests().map(r => r.status)).toEqual([0])
    expect((await call(emu, healthUrl())).status).toBe(200)
  })

  it('resets the connection', async () => {
    emu.setScenario({ faults: [{ party: 'dicom', reset: true }] })
    await expect(call(emu, `${emu.dicomUrl}/health/check`)).rejects.toThrow(/socket hang up|ECONNRESET/)
  })
})

describe('request log', () => {
  it('records party, origin, method, path with query, the bearer token presented and the status, in order', async () => {
    await call(emu, `${emu.fhirUrl}/metadata?_summary=true`)
    await call(emu, `${emu.dicomUrl}/v2/studies`, { headers: { authorization: 'Bearer abc.def.ghi' } })
    const log = emu.requests()
    expect(log).toEqual([
      expect.objectContaining({
        party: 'fhir',
        origin: emu.fhirUrl,
        method: 'GET',
        path: '/metadata?_summary=true',
        hadAuthorization: false,
        status: 200
      }),
      expect.objectContaining({
        party: 'dicom',
        origin: emu.dicomUrl,
        path: '/v2/studies',
        hadAuthorization: true,
        bearerToken: 'abc.def.ghi',
        status: 401
      })
    ])
    expect(log[0]).not.toHaveProperty('bearerToken')
    expect(log[0]?.time).toBeLessThanOrEqual(log[1]?.time ?? 0)
    emu.clearRequests()
    expect(emu.requests()).toEqual([])
  })
})
