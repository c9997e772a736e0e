import { describe, expect, it } from '@jest/globals'
import { explainAccessDenied, parseBearerChallenge } from '../../src/health/explain-access.js'
import { CLIENT, MICROSOFT, TENANT } from '../support/ids.ts'

const OTHER_TENANT = '0b7c4d1e-5f3a-4e2b-9c8d-7a6b5c4d3e2f'
const OID = '9a8b7c6d-1111-2222-3333-444455556666'
const FHIR_URL = 'https://contosows-fhirdata.fhir.azurehealthcareapis.com'
const DICOM_URL = 'https://contosows-images.dicom.azurehealthcareapis.com/v2'
const DICOM_AUDIENCE = 'https://dicom.healthcareapis.azure.com'

describe('explainAccessDenied', () => {
  const fhirClaims = {
    aud: FHIR_URL,
    oid: OID,
    appId: CLIENT,
    tenantId: TENANT,
    iss: `https://sts.windows.net/${TENANT}/`
  }
  /** A denial by the FHIR service of a token for it, with what a case adds (a challenge, another host). */
  const fhirDenied = (status: 401 | 403, more: Partial<Parameters<typeof explainAccessDenied>[0]> = {}): string =>
    explainAccessDenied({ status, kind: 'fhir', resource: FHIR_URL, serviceUrl: FHIR_URL, claims: fhirClaims, ...more })
  const challenge = (audience: string, tenant = TENANT, extra = ''): string =>
    `Bearer authorization_uri="${MICROSOFT}/${tenant}", resource_id="${audience}", realm="${audience}"${extra}`

  it('403 on FHIR: object ID, the read roles, the command with the scope, and propagation', () => {
    const text = fhirDenied(403)
    expect(text).toContain(`object ID ${OID}`)
    expect(text).toContain('FHIR Data Reader')
    // FHIR SMART User is no longer offered as a read role, and the advice says why.
    expect(text).toMatch(/^Roles that grant a read: (?!.*SMART).*$/m)
    expect(text).toMatch(/FHIR SMART User does not serve a pipeline: .*fhirUser claim/)
    expect(text).toMatch(/FHIR Data Converter is not enough/)
    expect(text).not.toMatch(/Azure API for FHIR|allowed object IDs/)
    expect(text).toContain(
      `az role assignment create --assignee-object-id ${OID} --assignee-principal-type ServicePrincipal --role "FHIR Data Reader" ` +
        '--scope /subscriptions/<subscription-id>/resourceGroups/<resource-group>/providers/Microsoft.HealthcareApis/workspaces/contosows/fhirservices/fhirdata'
    )
    expect(text).toContain('wait-for-access')
    expect(text).toMatch(/several minutes/)
  })

  it('403 on DICOM: DICOM roles and a dicomservices scope', () => {
    const text = explainAccessDenied({
      status: 403,
      kind: 'dicom',
      resource: DICOM_AUDIENCE,
      serviceUrl: DICOM_URL,
      claims: { ...fhirClaims, aud: DICOM_AUDIENCE }
    })
    expect(text).toContain('DICOM Data Reader')
    expect(text).toContain('DICOM Data Owner')
    expect(text).toContain('--role "DICOM Data Reader"')
    expect(text).toContain('/workspaces/contosows/dicomservices/images')
    expect(text).not.toContain('FHIR')
  })

  it('403 on Azure API for FHIR uses the services scope; a missing oid stays a placeholder', () => {
    const url = 'https://contoso-legacy.azurehealthcareapis.com'
    const text = explainAccessDenied({ status: 403, kind: 'fhir', resource: url, serviceUrl: url, claims: {} })
    expect(text).toContain('/providers/Microsoft.HealthcareApis/services/contoso-legacy')
    // Local RBAC, which IAM does not show, and the service's own cache of access decisions.
    expect(text).toMatch(
      /Azure API for FHIR: besides Azure RBAC, access may be granted by its list of allowed object IDs/
    )
    expect(text).toMatch(
      /Access control \(IAM\) does not show\. Add the object ID there, .* up to 5 minutes either way/
    )
    expect(text).toContain('--assignee-object-id <object-id>')
  })

  it('401 with a trailing slash on the audience', () => {
    const text = explainAccessDenied({
      status: 401,
      kind: 'fhir',
      resource: `${FHIR_URL}/`,
      serviceUrl: FHIR_URL,
      claims: { ...fhirClaims, aud: `${FHIR_URL}/` },
      wwwAuthenticate: challenge(
        FHIR_URL,
        TENANT,
        ', error="invalid_token", error_description="The audience is invalid"'
      )
    })
    expect(text).toContain('trailing slash')
    expect(text).toContain('The audience is invalid')
  })

  it('401 with the retired generic audience', () => {
    const text = explainAccessDenied({
      status: 401,
      kind: 'fhir',
      resource: 'https://azurehealthcareapis.com',
      serviceUrl: FHIR_URL,
      claims: { ...fhirClaims, aud: 'https://azurehealthcareapis.com' },
      wwwAuthenticate: challenge(FHIR_URL)
    })
    expect(text).toContain('retired generic audience')
    expect(text).toContain(`ask for '${FHIR_URL}'`)
  })

  it('401 with a token for another FHIR service', () => {
    const other = 'https://contosows-otherfhir.fhir.azurehealthcareapis.com'
    const text = explainAccessDenied({
      status: 401,
      kind: 'fhir',
      resource: other,
      serviceUrl: FHIR_URL,
      claims: { ...fhirClaims, aud: other },
      wwwAuthenticate: challenge(FHIR_URL)
    })
    expect(text).toContain(`its audience is '${other}', the service expects '${FHIR_URL}'`)
  })

  it('401 on DICOM with a per-service audience: DICOM takes only its one audience', () => {
    const text = explainAccessDenied({
      status: 401,
      kind: 'dicom',
      resource: 'https://contosows-images.dicom.azurehealthcareapis.com',
      serviceUrl: DICOM_URL,
      claims: { ...fhirClaims, aud: 'https://contosows-images.dicom.azurehealthcareapis.com' }
    })
    expect(text).toContain(`only tokens for ${DICOM_AUDIENCE}`)
  })

  it('401 from a service trusting another tenant (authorization_uri)', () => {
    const text = fhirDenied(401, {
      wwwAuthenticate: challenge(FHIR_URL, OTHER_TENANT)
    })
    expect(text).toContain(`is the one the service expects`)
    expect(text).toContain(`trusts tenant ${OTHER_TENANT}`)
    expect(text).toContain(`from tenant ${TENANT}`)
  })

  it('401 with the right audience and tenant: another reason (expiry)', () => {
    const text = fhirDenied(401, {
      wwwAuthenticate: challenge(FHIR_URL)
    })
    expect(text).toContain('another reason')
    expect(text).not.toContain('trusts tenant')
  })

  it('401 text from the server stays on one line', () => {
    const text = fhirDenied(401, {
      wwwAuthenticate: `Bearer error="invalid_token", error_description="bad\n::add-mask::x"`
    })
    for (const line of text.split('\n')) expect(line.startsWith('::')).toBe(false)
  })
})

describe('parseBearerChallenge', () => {
  it('reads quoted and bare parameters', () => {
    expect(
      parseBearerChallenge(
        `Bearer authorization_uri="${MICROSOFT}/${TENANT}", resource_id="${FHIR_URL}", realm="${FHIR_URL}", error=invalid_token`
      )
    ).toEqual({
      authorizationUri: `${MICROSOFT}/${TENANT}`,
      resourceId: FHIR_URL,
      realm: FHIR_URL,
      error: 'invalid_token',
      errorDescription: undefined
    })
    expect(parseBearerChallenge(undefined)).toEqual({})
  })
})
