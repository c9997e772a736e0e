// What a health check may say and send when the service holds patient data: no successful answer's body, strict
// search handling with the refused parameter named, audit headers with the run's context only, a warning when no
// check needs the token, and the retired Azure API for FHIR named at start.
import { describe, expect, it } from '@jest/globals'
import { readConfig } from '../../src/config.js'
import { anonymousOnlyWarning, isAnonymousCheck } from '../../src/health/anonymous.js'
import { AUDIT_HEADERS, MAX_AUDIT_VALUE_LENGTH, auditHeaders } from '../../src/health/audit.js'
import { explainRefusedParameter } from '../../src/health/explain-search.js'
import { describeFailure } from '../../src/health/failure.js'
import { DEFAULT_CHECKS, type HealthCheckSpec } from '../../src/health/read.js'
import type { IssuedToken } from '../../src/signin/issued-token.js'
import type { Target } from '../../src/target/read.js'
import { CLIENT, TENANT } from '../support/ids.ts'

const FHIR_URL = 'https://ws-fhir.fhir.azurehealthcareapis.com'
const DICOM_URL = 'https://ws-dicom.dicom.azurehealthcareapis.com/v2'
const fhir: Target = { kind: 'fhir', resource: FHIR_URL, serviceUrl: FHIR_URL }
const token: IssuedToken = {
  token: 'eyJ0eXAiOiJKV1QifQ.secret-token-value.sig',
  expiresOn: new Date('2030-01-01T00:00:00Z'),
  resource: FHIR_URL,
  claims: { aud: FHIR_URL, oid: 'object-1', appId: 'app-1', tenantId: 'tenant-1' },
  signInMethod: 'client-secret'
}
const spec = (path: string, expected: number[] = [200], base = FHIR_URL): HealthCheckSpec => ({
  path,
  url: `${base}/${path.replace(/^\//, '')}`,
  expected
})
const PATIENT = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Doe-Marker' }], birthDate: '1917-03-29' })

describe('a check answered 1xx/2xx/3xx never shows the body', () => {
  it('a denial check that got 200 says so, and that the body is not shown', () => {
    const said = describeFailure(
      { status: 200, headers: { 'content-type': 'application/fhir+json' }, body: PATIENT },
      spec('Patient?_summary=count', [403]),
      fhir,
      token,
      []
    )
    expect(said).toBe(
      'Expected 403, got 200: the service allowed a request this check expects it to refuse, so the identity has ' +
        "more access than the check allows. The answer's body is not shown: it may hold patient data."
    )
  })

  it('any other unexpected 2xx or 3xx: the status only', () => {
    for (const status of [201, 204, 304]) {
      const said = describeFailure({ status, headers: {}, body: PATIENT }, spec('Patient/1', [404]), fhir, token, [])
      expect(said).toBe(
        `Expected 404, got ${String(status)}. The answer's body is not shown: it may hold patient data.`
      )
    }
  })
})

describe('strict search handling', () => {
  const refused = JSON.stringify({
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: 'not-supported',
        diagnostics: "The search parameter '_cout' is not supported for resource type 'Patient'."
      }
    ]
  })

  it('a 400 naming a search parameter of the check: the known text quoted, the parameter named', () => {
    const said = describeFailure(
      { status: 400, headers: { 'content-type': 'application/fhir+json' }, body: refused },
      spec('Patient?_cout=1'),
      fhir,
      token,
      []
    )
    expect(said).toContain(
      "Expected 200, got 400: not-supported (error): The search parameter '_cout' is not supported for resource type " +
        "'Patient'."
    )
    expect(said).toContain("The service does not support the search parameter '_cout' in Patient?_cout=1")
    expect(said).toContain('Prefer: handling=strict')
    expect(said).toContain("Correct or remove '_cout' in health-check-paths.")
  })

  it('names every parameter the known texts name, and none from withheld free text', () => {
    expect(explainRefusedParameter(spec('Patient?_cout=1&nam=b'), ['_cout', 'nam'])).toContain(
      "the search parameters '_cout' and 'nam' in Patient?_cout=1&nam=b"
    )
    expect(explainRefusedParameter(spec('Patient?_count=1'), [])).toBeUndefined()
    const quoting = JSON.stringify({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'invalid', diagnostics: "Parameter '_cout' rejected for Doe-Marker" }]
    })
    const said = describeFailure(
      { status: 400, headers: { 'content-type': 'application/fhir+json' }, body: quoting },
      spec('Patient?_cout=1'),
      fhir,
      token,
      []
    )
    expect(said).toMatch(/^Expected 200, got 400: invalid \(error\): diagnostics withheld \(41 characters\)\. /)
    expect(said).not.toContain('Doe-Marker')
    expect(said).not.toContain('Correct or remove')
  })
})

describe('audit headers', () => {
  const env = {
    GITHUB_REPOSITORY: 'contoso/health-pipeline',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_RUN_ID: '9876543210',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_JOB: 'smoke',
    GITHUB_TOKEN: 'ghs_not-to-be-sent'
  }

  it("carry the run's context, at most 10, and nothing else of the environment", () => {
    const headers = auditHeaders(env)
    expect(headers).toEqual({
      'X-MS-AZUREFHIR-AUDIT-SOURCE': 'azure-health-data-services-token',
      'X-MS-AZUREFHIR-AUDIT-REPOSITORY': 'contoso/health-pipeline',
      'X-MS-AZUREFHIR-AUDIT-WORKFLOW': 'deploy',
      'X-MS-AZUREFHIR-AUDIT-RUN-ID': '9876543210',
      'X-MS-AZUREFHIR-AUDIT-RUN-ATTEMPT': '2',
      'X-MS-AZUREFHIR-AUDIT-JOB': 'smoke'
    })
    expect(AUDIT_HEADERS.length).toBeLessThanOrEqual(10)
  })

  it('are short printable ASCII, and left out when the runner did not set them', () => {
    const headers = auditHeaders({ GITHUB_WORKFLOW: `Déploiement\n${'x'.repeat(500)}` })
    const workflow = headers['X-MS-AZUREFHIR-AUDIT-WORKFLOW'] ?? ''
    expect(workflow).toMatch(/^D%C3%A9ploiement%0Ax+$/)
    expect(workflow).toHaveLength(MAX_AUDIT_VALUE_LENGTH)
    expect(Object.keys(headers)).toEqual(['X-MS-AZUREFHIR-AUDIT-SOURCE', 'X-MS-AZUREFHIR-AUDIT-WORKFLOW'])
  })

  it('go with FHIR checks unless audit-headers is false, with strict handling either way', () => {
    const inputs = (extra: Record<string, string>) => (name: string) =>
      ({ 'fhir-url': FHIR_URL, 'client-id': CLIENT, 'tenant-id': TENANT, 'health-check': 'true', ...extra })[name] ?? ''
    const on = readConfig(inputs({}), env).health?.services[0]?.requestHeaders
    expect(on).toMatchObject({ Prefer: 'handling=strict', 'X-MS-AZUREFHIR-AUDIT-RUN-ID': '9876543210' })
    const off = readConfig(inputs({ 'audit-headers': 'false' }), env).health?.services[0]?.requestHeaders
    expect(off).toEqual({ Prefer: 'handling=strict' })
    expect(() => readConfig(inputs({ 'audit-headers': 'maybe' }), env)).toThrow(/audit-headers/)
  })
})

describe('checks that prove nothing about the token', () => {
  it('knows the endpoints the services answer without a token', () => {
    for (const path of ['metadata', '/metadata/', '.well-known/smart-configuration', 'health/check', '$versions']) {
      expect(isAnonymousCheck(spec(path), 'fhir', FHIR_URL)).toBe(true)
    }
    expect(isAnonymousCheck(spec('Patient?_summary=count'), 'fhir', FHIR_URL)).toBe(false)
    expect(isAnonymousCheck(spec('Patient/metadata'), 'fhir', FHIR_URL)).toBe(false)
    // DICOM's health endpoint is at the origin's root, outside the versioned base.
    const root = { path: 'https://ws-dicom.dicom.azurehealthcareapis.com/health/check', expected: [200] }
    expect(isAnonymousCheck({ ...root, url: root.path }, 'dicom', DICOM_URL)).toBe(true)
    expect(isAnonymousCheck(spec('changefeed?limit=1', [200], DICOM_URL), 'dicom', DICOM_URL)).toBe(false)
  })

  it('warns when every check is anonymous, naming the check to add', () => {
    const warning = anonymousOnlyWarning(
      [spec('metadata'), spec('health/check')],
      'fhir',
      FHIR_URL,
      DEFAULT_CHECKS.fhir
    )
    expect(warning).toContain('every check (metadata, health/check) targets an endpoint the service answers without')
    expect(warning).toContain('Patient?_summary=count')
    expect(
      anonymousOnlyWarning(
        [spec('metadata'), spec('Patient?_summary=count', [403])],
        'fhir',
        FHIR_URL,
        DEFAULT_CHECKS.fhir
      )
    ).toBe(undefined)
  })

  it('reaches the start-up warnings; a denial check keeps its list from warning', () => {
    const warnings = (paths: string) =>
      readConfig(
        name =>
          ({ 'fhir-url': FHIR_URL, 'client-id': CLIENT, 'tenant-id': TENANT, 'health-check-paths': paths })[name] ?? '',
        {}
      ).warnings
    expect(warnings('metadata\n.well-known/smart-configuration').join('\n')).toMatch(
      /do not prove that the token or the identity's access works/
    )
    expect(warnings('metadata\nObservation?_summary=count 403')).toEqual([])
  })
})

describe('Azure API for FHIR', () => {
  const config = (url: string) =>
    readConfig(name => ({ 'fhir-url': url, 'client-id': CLIENT, 'tenant-id': TENANT })[name] ?? '', {})

  it('is named retired at start, pointing to the FHIR service of Azure Health Data Services', () => {
    const [warning, ...rest] = config('https://contoso-legacy.azurehealthcareapis.com').warnings
    expect(rest).toEqual([])
    expect(warning).toMatch(/Azure API for FHIR service, which was retired on 30 September 2026/)
    expect(warning).toMatch(/FHIR service in Azure Health Data Services/)
  })

  it('is not confused with the FHIR service of a workspace', () => {
    expect(config(FHIR_URL).warnings).toEqual([])
  })
})
