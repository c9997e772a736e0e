// The managed-identity protocol's rules, pure: which requests get a token, and the answers' JSON as the SDKs read it.
import { describe, expect, it } from '@jest/globals'
import {
  type Served,
  type TokenRequest,
  decide,
  headerMatches,
  renewalFailureStatus,
  tokenAnswer
} from '../../src/serve/protocol.js'

const FHIR = 'https://myws-myfhir.fhir.azurehealthcareapis.com'
const DICOM = 'https://dicom.healthcareapis.azure.com'
const ARM = 'https://management.azure.com'
const CLIENT_ID = '0b1d5c1e-6f4a-4c1b-9a0e-2f3d4c5b6a79'
const served: Served = {
  resources: [FHIR, DICOM],
  clientId: CLIENT_ID,
  objectId: 'c4a1e7d2-3b5f-4a68-9e0d-1f2a3b4c5d6e',
  header: 'h'.repeat(43),
  hosts: ['127.0.0.1:4000', 'localhost:4000']
}
const request = (query: string, overrides: Partial<TokenRequest> = {}): TokenRequest => ({
  method: 'GET',
  url: `/msi/token?api-version=2019-08-01&${query}`,
  host: '127.0.0.1:4000',
  identityHeader: served.header,
  contentLength: undefined,
  transferEncoding: undefined,
  ...overrides
})

describe('decide', () => {
  it.each([
    [`resource=${encodeURIComponent(FHIR)}`, FHIR],
    // Python's azure-identity 1.13 does not URL-encode the resource.
    [`resource=${FHIR}`, FHIR],
    [`resource=${FHIR}/.default`, FHIR],
    [`resource=${FHIR.toUpperCase()}/`, FHIR],
    [`resource=https://myws-mydicom.dicom.azurehealthcareapis.com`, DICOM],
    [`resource=${DICOM}&client_id=${CLIENT_ID.toUpperCase()}`, DICOM]
  ])('%s gets a token for %s', (query, resource) => {
    expect(decide(request(query), served)).toMatchObject({ kind: 'token', resource })
  })

  it('answers with the resource as the caller spelled it', () => {
    expect(decide(request(`resource=${FHIR}/`), served)).toEqual({ kind: 'token', resource: FHIR, asked: `${FHIR}/` })
  })

  describe('Azure Resource Manager', () => {
    const withArm: Served = { ...served, resources: [FHIR, ARM] }
    it.each([
      // az login --identity, az account get-access-token, az rest and Connect-AzAccount -Identity ask for this.
      'https://management.core.windows.net/',
      'https://management.core.windows.net',
      'https://management.core.windows.net//.default',
      // The SDKs ask for this.
      'https://management.azure.com',
      'https://management.azure.com/',
      'https://management.azure.com/.default'
    ])('serves %s as the one resource asked of Entra ID', asked => {
      expect(decide(request(`resource=${asked}`), withArm)).toEqual({ kind: 'token', resource: ARM, asked })
    })

    it('serves the classic name when serve-resources names the current one, and back', () => {
      const classic: Served = { ...served, resources: ['https://management.core.windows.net/'] }
      expect(decide(request(`resource=${ARM}`), classic)).toMatchObject({ kind: 'token' })
      expect(decide(request('resource=https://management.core.windows.net/'), withArm)).toMatchObject({
        kind: 'token'
      })
    })

    it('is not another host or a path on it', () => {
      for (const asked of ['https://management.core.windows.net/x', 'https://management.azure.com.example']) {
        expect(decide(request(`resource=${asked}`), withArm)).toMatchObject({ kind: 'refuse', status: 400 })
      }
    })

    it.each(['https://management.core.windows.net/', ARM])(
      'when not served, refuses %s with the CLI and PowerShell hint',
      asked => {
        const decision = decide(request(`resource=${asked}`), served)
        expect(decision).toMatchObject({ kind: 'refuse', status: 400 })
        expect(decision.kind === 'refuse' && decision.message).toContain('serve-resources')
        expect(decision.kind === 'refuse' && decision.message).toContain('az login --identity')
      }
    )

    it('gives no such hint for another resource', () => {
      const decision = decide(request('resource=https://vault.azure.net'), served)
      expect(decision.kind === 'refuse' && decision.message).not.toContain('az login')
    })
  })

  it.each([
    ['no header', request(`resource=${FHIR}`, { identityHeader: undefined }), 401],
    ['two headers', request(`resource=${FHIR}`, { identityHeader: [served.header, served.header] }), 401],
    ['another Host', request(`resource=${FHIR}`, { host: 'rebound.example:4000' }), 403],
    ['no Host', request(`resource=${FHIR}`, { host: undefined }), 403],
    ['PUT', request(`resource=${FHIR}`, { method: 'PUT' }), 405],
    ['a body', request(`resource=${FHIR}`, { contentLength: '3' }), 413],
    ['a chunked body', request(`resource=${FHIR}`, { transferEncoding: 'chunked' }), 413],
    ['a long URL', request(`resource=${FHIR}&x=${'a'.repeat(5000)}`), 414],
    ['another path', request(`resource=${FHIR}`, { url: `/other?api-version=2019-08-01&resource=${FHIR}` }), 400],
    ['no resource', request(''), 400],
    ['another resource', request('resource=https://management.azure.com'), 400],
    ['the retired generic audience', request('resource=https://azurehealthcareapis.com'), 400],
    ['another client_id', request(`resource=${FHIR}&client_id=11111111-2222-4333-8444-555555555555`), 400],
    ['another principal_id', request(`resource=${FHIR}&principal_id=11111111-2222-4333-8444-555555555555`), 400],
    ['a mi_res_id', request(`resource=${FHIR}&mi_res_id=/subscriptions/x`), 400]
  ] as const)('refuses %s with %i', (_name, req, status) => {
    const decision = decide(req, served)
    expect(decision).toMatchObject({ kind: 'refuse', status })
  })

  it('names the resources it serves when refusing another', () => {
    const decision = decide(request('resource=https://management.azure.com'), served)
    expect(decision.kind === 'refuse' && decision.message).toContain(`'${FHIR}' or '${DICOM}'`)
  })
})

describe('answers', () => {
  it('gives expires_on in whole epoch seconds, as a string, and the client ID', () => {
    const answer = tokenAnswer({ token: 'x.y.z', expiresOn: new Date(1_800_000_000_999) }, FHIR, CLIENT_ID)
    expect(answer).toEqual({
      access_token: 'x.y.z',
      expires_on: '1800000000',
      resource: FHIR,
      token_type: 'Bearer',
      client_id: CLIENT_ID
    })
  })

  it('answers a refusal by Entra ID with 400 and an unreachable Entra ID with 503', () => {
    expect(renewalFailureStatus('Microsoft Entra ID said: AADSTS700211: No matching')).toBe(400)
    expect(renewalFailureStatus('the token endpoint did not answer within 10 s')).toBe(503)
  })

  it('compares the header exactly', () => {
    expect(headerMatches(served.header, served.header)).toBe(true)
    expect(headerMatches(`${served.header} `, served.header)).toBe(false)
    expect(headerMatches(served.header.slice(1), served.header)).toBe(false)
    expect(headerMatches(undefined, served.header)).toBe(false)
  })
})
