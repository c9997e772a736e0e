import { createPrivateKey, createPublicKey } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity'
import * as jose from 'jose'
import { createClientCertificate } from '../../emulator/ca.ts'
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_SUBJECT,
  DEFAULT_TENANT_DOMAIN,
  DEFAULT_TENANT_ID,
  DICOM_AUDIENCE,
  FEDERATED_AUDIENCE
} from '../../emulator/index.ts'
import { call, type EntraErrorBody, parseJson, postForm, tokenUrl } from './helpers.ts'
import { useEmulator } from '../support/emulator.ts'
import { jwtClaims } from '../../emulator/runner.ts'

const emu = await useEmulator({ trust: true })

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

function secretGrant(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_id: DEFAULT_CLIENT_ID,
    client_secret: DEFAULT_CLIENT_SECRET,
    scope: `${emu.fhirUrl}/.default`,
    ...overrides
  }
}

async function githubToken(audience = FEDERATED_AUDIENCE): Promise<string> {
  const res = await call(emu, `${emu.oidcRequestUrl}&audience=${encodeURIComponent(audience)}`, {
    headers: { authorization: `Bearer ${emu.oidcRequestToken}` }
  })
  expect(res.status).toBe(200)
  return parseJson<{ value: string }>(res.body).value
}

function federatedGrant(assertion: string): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    client_id: DEFAULT_CLIENT_ID,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
    scope: `${emu.fhirUrl}/.default`
  }
}

async function expectEntraError(
  form: Record<string, string>,
  status: number,
  code: number,
  error: string,
  tenant = DEFAULT_TENANT_ID
): Promise<EntraErrorBody> {
  const res = await postForm(emu, tokenUrl(emu, tenant), form, {
    'client-request-id': 'c0ffee00-1111-4222-8333-444455556666'
  })
  expect(res.status).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  const body = parseJson<EntraErrorBody>(res.body)
  expect(body.error).toBe(error)
  expect(body.error_codes).toEqual([code])
  expect(body.error_description).toMatch(
    new RegExp(
      `^AADSTS${code}: .+ Trace ID: [0-9a-f-]{36} Correlation ID: c0ffee00-1111-4222-8333-444455556666 Timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`
    )
  )
  expect(body.correlation_id).toBe('c0ffee00-1111-4222-8333-444455556666')
  expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/)
  expect(body.error_description).toContain(body.trace_id)
  expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/)
  expect(body.error_uri).toContain(`code=${code}`)
  return body
}

describe('discovery', () => {
  it('serves an openid-configuration whose issuer shares scheme, host and port with the authority', async () => {
    const res = await call(emu, `${emu.authorityHost}/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`)
    expect(res.status).toBe(200)
    const config = parseJson<Record<string, string>>(res.body)
    expect(config.issuer).toBe(`${emu.authorityHost}/${DEFAULT_TENANT_ID}/v2.0`)
    expect(config.token_endpoint).toBe(`${emu.authorityHost}/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`)
    expect(config.jwks_uri).toBe(`${emu.authorityHost}/${DEFAULT_TENANT_ID}/discovery/v2.0/keys`)
    expect(config.authorization_endpoint).toBe(`${emu.authorityHost}/${DEFAULT_TENANT_ID}/oauth2/v2.0/authorize`)
  })

  it('answers instance discovery like Microsoft, naming the tenant of the authorization endpoint', async () => {
    const authorize = encodeURIComponent(`${emu.authorityHost}/${DEFAULT_TENANT_ID}/oauth2/v2.0/authorize`)
    const res = await call(
      emu,
      `${emu.authorityHost}/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorize}`
    )
    expect(res.status).toBe(200)
    const body = parseJson<{
      tenant_discovery_endpoint: string
      'api-version': string
      metadata: { aliases: string[] }[]
    }>(res.body)
    expect(body.tenant_discovery_endpoint).toBe(
      `${emu.authorityHost}/${DEFAULT_TENANT_ID}/v2.0/.well-known/openid-configuration`
    )
    expect(body['api-version']).toBe('1.1')
    expect(body.metadata.flatMap(m => m.aliases)).toEqual(
      expect.arrayContaining(['login.microsoftonline.com', new URL(emu.authorityHost).host])
    )
  })

  it('answers an unknown tenant with AADSTS90002 and a malformed one with AADSTS900023', async () => {
    const unknown = await call(
      emu,
      `${emu.authorityHost}/11111111-2222-4333-8444-555555555555/v2.0/.well-known/openid-configuration`
    )
    expect(unknown.status).toBe(400)
    expect(parseJson<EntraErrorBody>(unknown.body).error_codes).toEqual([90002])
    await expectEntraError(secretGrant(), 400, 90002, 'invalid_request', 'fabrikam.onmicrosoft.com')
    const body = await expectEntraError(secretGrant(), 400, 900023, 'invalid_request', 'not a tenant')
    expect(body.error_description).toContain("Specified tenant identifier 'not a tenant' is neither a valid DNS name")
  })
})

describe('client secret', () => {
  it('drives the real ClientSecretCredential in-process (MSAL accepts the metadata)', async () => {
    const credential = new ClientSecretCredential(DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, {
      authorityHost: emu.authorityHost,
      disableInstanceDiscovery: true,
      retryOptions: { maxRetries: 0 }
    })
    const token = await credential.getToken(`${emu.fhirUrl}/.default`)
    expect(jwtClaims(token.token).aud).toBe(emu.fhirUrl)
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3_000_000)
    const posts = emu.requests().filter(r => r.method === 'POST')
    expect(posts).toHaveLength(1)
    expect(posts[0]?.path).toMatch(new RegExp(`^/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`))
  })

  it('issues a v1.0 access token signed by the tenant key, with aud exactly the resource and the app identity', async () => {
    const res = await postForm(emu, tokenUrl(emu, DEFAULT_TENANT_ID), secretGrant())
    expect(res.status).toBe(200)
    const body = parseJson<{ token_type: string; expires_in: number; ext_expires_in: number; access_token: string }>(
      res.body
    )
    expect(body.token_type).toBe('Bearer')
    expect(body.expires_in).toBe(3599)
    expect(body.ext_expires_in).toBe(3599)
    const keys = parseJson<jose.JSONWebKeySet>(
      (await call(emu, `${emu.authorityHost}/${DEFAULT_TENANT_ID}/discovery/v2.0/keys`)).body
    )
    const { payload } = await jose.jwtVerify(body.access_token, jose.createLocalJWKSet(keys))
    const app = emu.scenario.apps[0]
    expect(payload).toMatchObject({
      aud: emu.fhirUrl,
      iss: `https://sts.windows.net/${DEFAULT_TENANT_ID}/`,
      appid: DEFAULT_CLIENT_ID,
      azp: DEFAULT_CLIENT_ID,
      oid: app?.objectId,
      sub: app?.objectId,
      tid: DEFAULT_TENANT_ID,
      ver: '1.0'
    })
    expect(payload).not.toHaveProperty('roles')
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3599)
    expect(payload.nbf).toBe(payload.iat)
  })

  it('strips only /.default: a trailing slash on the resource stays in aud', async () => {
    const res = await postForm(
      emu,
      tokenUrl(emu, DEFAULT_TENANT_ID),
      secretGrant({ scope: `${emu.fhirUrl}//.default` })
    )
    expect(res.status).toBe(200)
    expect(jwtClaims(parseJson<{ access_token: string }>(res.body).access_token).aud).toBe(`${emu.fhirUrl}/`)
  })

  it('accepts the tenant domain in place of its ID', async () => {
    const res = await postForm(
      emu,
      tokenUrl(emu, DEFAULT_TENANT_DOMAIN),
      secretGrant({ scope: `${DICOM_AUDIENCE}/.default` })
    )
    expect(res.status).toBe(200)
    expect(jwtClaims(parseJson<{ access_token: string }>(res.body).access_token).aud).toBe(DICOM_AUDIENCE)
  })

  it('answers a wrong secret, or the secret ID, with 401 AADSTS7000215 without echoing it', async () => {
    const wrong = await expectEntraError(
      secretGrant({ client_secret: 'not-the-secret' }),
      401,
      7000215,
      'invalid_client'
    )
    expect(wrong.error_description).not.toContain('not-the-secret')
    const id = emu.scenario.apps[0]?.secrets?.[0]?.id ?? ''
    await expectEntraError(secretGrant({ client_secret: id }), 401, 7000215, 'invalid_client')
  })

  it('refuses a setScenario that would need a new generated certificate, keeping the scenario it had', () => {
    const app = emu.scenario.apps[0]
    if (!app) throw new Error('no default app')
    const newcomer = { ...app, clientId: '12345678-1234-4234-8234-123456789abc', displayName: 'newcomer' }
    expect(() => {
      emu.setScenario({ apps: [app, newcomer] })
    }).toThrow(/cannot generate a certificate for newcomer \(12345678-1234-4234-8234-123456789abc\)/)
    expect(emu.scenario.apps.map(a => a.clientId)).not.toContain(newcomer.clientId)
  })

  it('answers an expired secret with 401 AADSTS7000222', async () => {
    const app = emu.scenario.apps[0]
    if (!app) throw new Error('no default app')
    emu.setScenario({
      apps: [{ ...app, secrets: [{ value: 'old-secret', id: 'x', expiresOn: '2020-01-01T00:00:00Z' }] }]
    })
    await expectEntraError(secretGrant({ client_secret: 'old-secret' }), 401, 7000222, 'invalid_client')
  })

  it('answers an unknown client ID with 400 AADSTS700016 naming the tenant', async () => {
    const body = await expectEntraError(
      secretGrant({ client_id: '99999999-8888-4777-8666-555555555555' }),
      400,
      700016,
      'unauthorized_client'
    )
    expect(body.error_description).toContain(
      "Application with identifier '99999999-8888-4777-8666-555555555555' was not found in the directory"
    )
  })

  it('answers an unknown resource with 400 AADSTS500011', async () => {
    const body = await expectEntraError(
      secretGrant({ scope: 'https://azurehealthcareapis.com/.default' }),
      400,
      500011,
      'invalid_resource'
    )
    expect(body.error_description).toContain(
      'The resource principal named https://azurehealthcareapis.com was not found'
    )
  })

  it('rejects a scope without /.default', async () => {
    await expectEntraError(secretGrant({ scope: emu.fhirUrl }), 400, 1002012, 'invalid_scope')
  })
})

describe('certificate assertion', () => {
  it('signs in with the real ClientCertificateCredential and the generated certificate (x5t#S256, PS256)', async () => {
    const pem = emu.scenario.apps[0]?.certificatePem ?? ''
    expect(pem).toContain('PRIVATE KEY')
    const credential = new ClientCertificateCredential(
      DEFAULT_TENANT_ID,
      DEFAULT_CLIENT_ID,
      { certificate: pem },
      {
        authorityHost: emu.authorityHost,
        disableInstanceDiscovery: true,
        retryOptions: { maxRetries: 0 }
      }
    )
    const token = await credential.getToken(`${DICOM_AUDIENCE}/.default`)
    expect(jwtClaims(token.token)).toMatchObject({ aud: DICOM_AUDIENCE, appid: DEFAULT_CLIENT_ID, appidacr: '2' })
  })

  async function assertion(keyPem: string, header: Record<string, string>, claims: jose.JWTPayload): Promise<string> {
    return new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...header })
      .sign(createPrivateKey(keyPem))
  }

  function certClaims(): jose.JWTPayload {
    const now = Math.floor(Date.now() / 1000)
    return {
      aud: tokenUrl(emu, DEFAULT_TENANT_ID),
      iss: DEFAULT_CLIENT_ID,
      sub: DEFAULT_CLIENT_ID,
      jti: 'j1',
      nbf: now,
      exp: now + 600
    }
  }

  it('accepts an RS256 assertion with x5t (SHA-1 thumbprint)', async () => {
    const pem = emu.scenario.apps[0]?.certificatePem ?? ''
    const cert = pem.slice(pem.indexOf('-----BEGIN CERTIFICATE'))
    const { x5t } = (await import('../../emulator/ca.ts')).certificateThumbprints(cert)
    const jwt = await assertion(pem, { x5t }, certClaims())
    const res = await postForm(emu, tokenUrl(emu, DEFAULT_TENANT_ID), {
      ...federatedGrant(jwt)
    })
    expect(res.status).toBe(200)
  })

  it('answers a certificate that is not registered with 401 AADSTS700027', async () => {
    const other = await createClientCertificate('unregistered')
    const jwt = await assertion(other.keyPem, { 'x5t#S256': other.x5tS256 }, certClaims())
    const body = await expectEntraError(federatedGrant(jwt), 401, 700027, 'invalid_client')
    expect(body.error_description).toContain('not registered on application')
  })

  it('answers an expired assertion with AADSTS700024', async () => {
    const pem = emu.scenario.apps[0]?.certificatePem ?? ''
    const { x5tS256 } = (await import('../../emulator/ca.ts')).certificateThumbprints(
      pem.slice(pem.indexOf('-----BEGIN CERTIFICATE'))
    )
    const now = Math.floor(Date.now() / 1000)
    const jwt = await assertion(pem, { 'x5t#S256': x5tS256 }, { ...certClaims(), nbf: now - 1200, exp: now - 600 })
    await expectEntraError(federatedGrant(jwt), 400, 700024, 'invalid_client')
  })
})

describe('federated credential (GitHub OIDC token as client assertion)', () => {
  it('exchanges a GitHub token whose issuer, subject and audience match', async () => {
    const res = await postForm(emu, tokenUrl(emu, DEFAULT_TENANT_ID), federatedGrant(await githubToken()))
    expect(res.status).toBe(200)
    expect(jwtClaims(parseJson<{ access_token: string }>(res.body).access_token)).toMatchObject({
      appid: DEFAULT_CLIENT_ID,
      aud: emu.fhirUrl
    })
  })

  it('answers another subject with AADSTS700213 quoting it', async () => {
    emu.setScenario({ github: { claims: { sub: 'repo:contoso/health-pipeline:environment:prod' } } })
    const body = await expectEntraError(federatedGrant(await githubToken()), 400, 700213, 'invalid_client')
    expect(body.error_description).toContain(
      "presented assertion subject 'repo:contoso/health-pipeline:environment:prod'"
    )
  })

  it('answers a subject differing only in case with AADSTS7002138', async () => {
    emu.setScenario({ github: { claims: { sub: DEFAULT_SUBJECT.replace('contoso', 'Contoso') } } })
    const body = await expectEntraError(federatedGrant(await githubToken()), 400, 7002138, 'invalid_client')
    expect(body.error_description).toContain(
      'matches with case-insensitive comparison, but not with case-sensitive comparison'
    )
  })

  it('answers another issuer with AADSTS700211', async () => {
    emu.setScenario({ github: { issuer: 'https://token.actions.githubusercontent.com/contoso' } })
    await expectEntraError(federatedGrant(await githubToken()), 400, 700211, 'invalid_client')
  })

  it('answers another audience with AADSTS700212', async () => {
    await expectEntraError(federatedGrant(await githubToken('api://SomethingElse')), 400, 700212, 'invalid_client')
  })

  it('in legacy mode answers any mismatch with AADSTS70021 quoting Issuer, Subject and Audience', async () => {
    emu.setScenario({
      entra: { federatedErrors: 'legacy' },
      github: { claims: { sub: 'repo:contoso/health-pipeline:pull_request' } }
    })
    const body = await expectEntraError(federatedGrant(await githubToken()), 400, 70021, 'invalid_request')
    expect(body.error_description).toContain(
      "Assertion Issuer: 'https://token.actions.githubusercontent.com'. Assertion Subject: 'repo:contoso/health-pipeline:pull_request'. Assertion Audience: 'api://AzureADTokenExchange'."
    )
  })

  it('answers an expired GitHub token with AADSTS700024', async () => {
    emu.setScenario({ github: { lifetimeSeconds: -600 } })
    const body = await expectEntraError(federatedGrant(await githubToken()), 400, 700024, 'invalid_client')
    expect(body.error_description).toContain('Client assertion is not within its valid time range')
  })

  it('rejects a token not signed by the GitHub issuer key', async () => {
    const genuine = await githubToken()
    const forged = await new jose.SignJWT(jwtClaims(genuine))
      .setProtectedHeader({ alg: 'RS256', kid: String(jose.decodeProtectedHeader(genuine).kid) })
      .sign((await jose.generateKeyPair('RS256')).privateKey)
    const res = await postForm(emu, tokenUrl(emu, DEFAULT_TENANT_ID), federatedGrant(forged))
    expect(res.status).toBe(401)
    expect(parseJson<EntraErrorBody>(res.body).error_codes).toEqual([50013])
  })
})

describe('key material', () => {
  it('publishes the tenant key with kid and x5t equal, usable to verify', async () => {
    const keys = parseJson<{ keys: { kid: string; x5t: string; x5c: string[] }[] }>(
      (await call(emu, `${emu.authorityHost}/common/discovery/v2.0/keys`)).body
    )
    expect(keys.keys).toHaveLength(1)
    expect(keys.keys[0]?.kid).toBe(keys.keys[0]?.x5t)
    const cert = `-----BEGIN CERTIFICATE-----\n${keys.keys[0]?.x5c[0] ?? ''}\n-----END CERTIFICATE-----\n`
    expect(createPublicKey(cert).asymmetricKeyType).toBe('rsa')
  })
})
