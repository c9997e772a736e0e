// The emulated services' patient data and the search behaviour the health checks rely on, as the real services
// answer: _summary=count holds only a total, includemetadata=false leaves the change feed's DICOM metadata out, and an
// unknown search parameter is ignored unless Prefer: handling=strict asks for a 400 naming it.
import { describe, expect, it } from '@jest/globals'
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID, DICOM_AUDIENCE } from '../../emulator/index.ts'
import { PHI_BIRTH_DATE, PHI_MARKER } from '../../emulator/patients.ts'
import { useEmulator } from '../support/emulator.ts'
import { call, parseJson, postForm, tokenUrl } from './helpers.ts'

const emu = await useEmulator({ trust: true })

async function bearer(resource: string): Promise<Record<string, string>> {
  const res = await postForm(emu, tokenUrl(emu, DEFAULT_TENANT_ID), {
    grant_type: 'client_credentials',
    client_id: DEFAULT_CLIENT_ID,
    client_secret: DEFAULT_CLIENT_SECRET,
    scope: `${resource}/.default`
  })
  expect(res.status).toBe(200)
  return { authorization: `Bearer ${parseJson<{ access_token: string }>(res.body).access_token}` }
}

interface Bundle {
  resourceType: string
  type: string
  total?: number
  entry?: { resource: Record<string, unknown>; search: { mode: string } }[]
}

describe('FHIR patient data and search', () => {
  it('holds patients whose every field carries the marker', async () => {
    const res = await call(emu, `${emu.fhirUrl}/Patient?_count=1`, { headers: await bearer(emu.fhirUrl) })
    const [patient] = parseJson<Bundle>(res.body).entry ?? []
    const text = JSON.stringify(patient?.resource)
    expect(JSON.stringify(patient?.resource.name)).toContain(PHI_MARKER)
    expect(JSON.stringify(patient?.resource.identifier)).toContain(PHI_MARKER)
    expect(patient?.resource.birthDate).toBe(PHI_BIRTH_DATE)
    expect(text).toContain(PHI_MARKER)
  })

  it('_summary=count answers a searchset Bundle with the total and no entries', async () => {
    const res = await call(emu, `${emu.fhirUrl}/Patient?_summary=count`, { headers: await bearer(emu.fhirUrl) })
    expect(res.status).toBe(200)
    const bundle = parseJson<Bundle>(res.body)
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 2 })
    expect(bundle.entry).toBeUndefined()
    expect(res.body).not.toContain(PHI_MARKER)
    expect(res.body).not.toContain(PHI_BIRTH_DATE)
  })

  it('ignores an unknown search parameter by default, with an outcome entry that says so', async () => {
    const res = await call(emu, `${emu.fhirUrl}/Patient?_cout=1`, { headers: await bearer(emu.fhirUrl) })
    expect(res.status).toBe(200)
    const outcome = parseJson<Bundle>(res.body).entry?.find(entry => entry.search.mode === 'outcome')
    expect(JSON.stringify(outcome?.resource)).toContain("The search parameter '_cout' is not supported")
  })

  it('refuses it with Prefer: handling=strict: 400, an OperationOutcome naming the parameter', async () => {
    for (const prefer of ['handling=strict', 'return=minimal, handling = strict']) {
      const res = await call(emu, `${emu.fhirUrl}/Patient?_cout=1&name:exact=x`, {
        headers: { ...(await bearer(emu.fhirUrl)), prefer }
      })
      expect(res.status).toBe(400)
      expect(parseJson<Record<string, unknown>>(res.body)).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'error',
            code: 'not-supported',
            diagnostics: "The search parameter '_cout' is not supported for resource type 'Patient'."
          }
        ]
      })
    }
    const lenient = await call(emu, `${emu.fhirUrl}/Patient?name:exact=x`, {
      headers: { ...(await bearer(emu.fhirUrl)), prefer: 'handling=strict' }
    })
    expect(lenient.status).toBe(200)
  })

  it('takes at most 10 distinct audit headers of up to 2048 characters', async () => {
    const auth = await bearer(emu.fhirUrl)
    const audit = (n: number, value = 'x'): Record<string, string> =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-ms-azurefhir-audit-h${String(i)}`, value]))
    expect(
      (await call(emu, `${emu.fhirUrl}/Patient?_summary=count`, { headers: { ...auth, ...audit(10) } })).status
    ).toBe(200)
    expect(
      (await call(emu, `${emu.fhirUrl}/Patient?_summary=count`, { headers: { ...auth, ...audit(11) } })).status
    ).toBe(400)
    const long = await call(emu, `${emu.fhirUrl}/Patient?_summary=count`, {
      headers: { ...auth, ...audit(1, 'y'.repeat(2049)) }
    })
    expect(long.status).toBe(400)
  })

  it('serves the SMART configuration anonymously', async () => {
    const res = await call(emu, `${emu.fhirUrl}/.well-known/smart-configuration`)
    expect(res.status).toBe(200)
    expect(parseJson<{ token_endpoint: string }>(res.body).token_endpoint).toContain('/oauth2/v2.0/token')
  })

  it('does not let FHIR SMART User read with a pipeline token (no fhirUser claim)', async () => {
    const app = emu.scenario.apps.find(a => a.clientId === DEFAULT_CLIENT_ID)
    emu.setScenario({ roles: { [app?.objectId ?? '']: [{ role: 'FHIR SMART User', service: 'fhir' }] } })
    try {
      const res = await call(emu, `${emu.fhirUrl}/Patient?_summary=count`, { headers: await bearer(emu.fhirUrl) })
      expect(res.status).toBe(403)
    } finally {
      emu.setScenario({})
    }
  })
})

describe('DICOM change feed metadata', () => {
  it('carries the instance metadata (patient name, ID, birth date) unless includemetadata=false', async () => {
    const auth = await bearer(DICOM_AUDIENCE)
    const full = await call(emu, `${emu.dicomUrl}/v2/changefeed?limit=1`, { headers: auth })
    expect(full.status).toBe(200)
    const [entry] = parseJson<{ metadata?: Record<string, { Value: unknown[] }> }[]>(full.body)
    expect(JSON.stringify(entry?.metadata?.['00100010'])).toContain(PHI_MARKER)
    expect(JSON.stringify(entry?.metadata?.['00100020'])).toContain(PHI_MARKER)
    for (const path of ['changefeed?limit=1&includemetadata=false', 'changefeed/latest?includemetadata=False']) {
      const bare = await call(emu, `${emu.dicomUrl}/v2/${path}`, { headers: auth })
      expect(bare.status).toBe(200)
      expect(bare.body).toContain('sequence')
      expect(bare.body).not.toContain('metadata')
      expect(bare.body).not.toContain(PHI_MARKER)
    }
  })
})
