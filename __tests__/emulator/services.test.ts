import { afterEach, describe, expect, it } from '@jest/globals'
import { ManagedIdentityCredential } from '@azure/identity'
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_SUBJECT,
  DEFAULT_TENANT_ID,
  DEID_AUDIENCE,
  DICOM_AUDIENCE,
  NO_ROLES_CLIENT_ID,
  NO_ROLES_CLIENT_SECRET
} from '../../emulator/index.ts'
import { call, parseJson, postForm, tokenUrl } from './helpers.ts'
import { useEmulator } from '../support/emulator.ts'
import { jwtClaims } from '../../emulator/runner.ts'
import { captureStdout } from '../stdout.ts'

const emu = await useEmulator({ trust: true })

async function tokenFor(
  resource: string,
  clientId = DEFAULT_CLIENT_ID,
  secret = DEFAULT_CLIENT_SECRET
): Promise<string> {
  const res = await postForm(emu, tokenUrl(emu, DEFAULT_TENANT_ID), {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: secret,
    scope: `${resource}/.default`
  })
  expect(res.status).toBe(200)
  return parseJson<{ access_token: string }>(res.body).access_token
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

interface Outcome {
  resourceType: string
  issue: { severity: string; code: string; diagnostics: string }[]
}

describe('FHIR service', () => {
  it('serves /metadata anonymously as a CapabilityStatement in application/fhir+json', async () => {
    const res = await call(emu, `${emu.fhirUrl}/metadata`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/)
    expect(parseJson<{ resourceType: string; fhirVersion: string }>(res.body)).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1'
    })
  })

  it('serves /health/check anonymously: 200 when Healthy or Degraded, 503 when Unhealthy', async () => {
    const healthy = await call(emu, `${emu.fhirUrl}/health/check`)
    expect(healthy.status).toBe(200)
    expect(parseJson<{ overallStatus: string; details: unknown[] }>(healthy.body)).toMatchObject({
      overallStatus: 'Healthy'
    })
    emu.setScenario({ fhir: { health: 'Degraded' } })
    expect((await call(emu, `${emu.fhirUrl}/health/check`)).status).toBe(200)
    emu.setScenario({ fhir: { health: 'Unhealthy' } })
    const sick = await call(emu, `${emu.fhirUrl}/health/check`)
    expect(sick.status).toBe(503)
    expect(parseJson<{ overallStatus: string }>(sick.body).overallStatus).toBe('Unhealthy')
  })

  it('answers a search with a searchset Bundle honouring _count', async () => {
    const res = await call(emu, `${emu.fhirUrl}/Patient?_count=1`, { headers: bearer(await tokenFor(emu.fhirUrl)) })
    expect(res.status).toBe(200)
    const bundle = parseJson<{ resourceType: string; type: string; entry: { resource: { resourceType: string } }[] }>(
      res.body
    )
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' })
    expect(bundle.entry).toHaveLength(1)
    expect(bundle.entry[0]?.resource.resourceType).toBe('Patient')
  })

  it('answers a missing, malformed or badly signed token with 401 login and the WWW-Authenticate challenge', async () => {
    const good = await tokenFor(emu.fhirUrl)
    const [head, payload] = good.split('.')
    for (const headers of [{}, bearer('not-a-jwt'), bearer(`${head ?? ''}.${payload ?? ''}.c2lnbmF0dXJl`)]) {
      const res = await call(emu, `${emu.fhirUrl}/Patient`, { headers })
      expect(res.status).toBe(401)
      expect(res.headers['www-authenticate']).toBe(
        `Bearer authorization_uri="${emu.authorityHost}/${DEFAULT_TENANT_ID}", resource_id="${emu.fhirUrl}", realm="${emu.fhirUrl}"`
      )
      expect(parseJson<Outcome>(res.body)).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'login', diagnostics: 'Authentication failed.' }]
      })
    }
  })

  it('answers an expired token with 401', async () => {
    emu.setScenario({ entra: { tokenLifetimeSeconds: -600 } })
    const expired = await tokenFor(emu.fhirUrl)
    emu.setScenario({})
    const res = await call(emu, `${emu.fhirUrl}/Patient`, { headers: bearer(expired) })
    expect(res.status).toBe(401)
    expect(res.headers['www-authenticate']).not.toContain('invalid_token')
  })

  it('answers a wrong audience, including a trailing slash, with 401 "The audience is invalid"', async () => {
    for (const resource of [DICOM_AUDIENCE, `${emu.fhirUrl}/`]) {
      const token = await tokenFor(resource)
      const res = await call(emu, `${emu.fhirUrl}/Patient`, { headers: bearer(token) })
      expect(res.status).toBe(401)
      expect(res.headers['www-authenticate']).toContain(
        'error="invalid_token", error_description="The audience is invalid"'
      )
    }
  })

  it('answers 403 forbidden when the caller holds no FHIR data role', async () => {
    const token = await tokenFor(emu.fhirUrl, NO_ROLES_CLIENT_ID, NO_ROLES_CLIENT_SECRET)
    const res = await call(emu, `${emu.fhirUrl}/Patient`, { headers: bearer(token) })
    expect(res.status).toBe(403)
    expect(parseJson<Outcome>(res.body)).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'forbidden', diagnostics: 'Authorization failed.' }]
    })
  })

  it('does not let FHIR Data Converter read', async () => {
    const oid = String(jwtClaims(await tokenFor(emu.fhirUrl, NO_ROLES_CLIENT_ID, NO_ROLES_CLIENT_SECRET)).oid)
    emu.setScenario({ roles: { [oid]: [{ role: 'FHIR Data Converter', service: 'fhir' }] } })
    const token = await tokenFor(emu.fhirUrl, NO_ROLES_CLIENT_ID, NO_ROLES_CLIENT_SECRET)
    expect((await call(emu, `${emu.fhirUrl}/Patient`, { headers: bearer(token) })).status).toBe(403)
    emu.setScenario({ roles: { [oid]: [{ role: 'FHIR Data Reader', service: 'fhir' }] } })
    expect((await call(emu, `${emu.fhirUrl}/Patient`, { headers: bearer(token) })).status).toBe(200)
  })

  it('applies a role only after its propagation delay, counted from setScenario', async () => {
    // The token first, so a slow sign-in on a loaded machine cannot use up the delay; and a delay long enough for
    // one request to fit in it however loaded the machine.
    const token = await tokenFor(emu.fhirUrl, NO_ROLES_CLIENT_ID, NO_ROLES_CLIENT_SECRET)
    const oid = String(jwtClaims(token).oid)
    const delayMs = 2000
    const since = Date.now()
    emu.setScenario({ roles: { [oid]: [{ role: 'FHIR Data Reader', service: 'fhir', effectiveAfterMs: delayMs }] } })
    expect((await call(emu, `${emu.fhirUrl}/Patient`, { headers: bearer(token) })).status).toBe(403)
    await new Promise(resolve => setTimeout(resolve, since + delayMs + 50 - Date.now()))
    expect((await call(emu, `${emu.fhirUrl}/Patient`, { headers: bearer(token) })).status).toBe(200)
  })
})

describe('DICOM service', () => {
  it('answers /v2/studies with 204 when nothing matches, and dicom+json when studies exist', async () => {
    const token = await tokenFor(DICOM_AUDIENCE)
    const empty = await call(emu, `${emu.dicomUrl}/v2/studies`, { headers: bearer(token) })
    expect(empty.status).toBe(204)
    expect(empty.body).toBe('')
    emu.setScenario({ dicom: { studies: [{ '0020000D': { vr: 'UI', Value: ['1.2.3'] } }] } })
    const found = await call(emu, `${emu.dicomUrl}/v1/studies`, { headers: bearer(token) })
    expect(found.status).toBe(200)
    expect(found.headers['content-type']).toMatch(/^application\/dicom\+json/)
    expect(parseJson<unknown[]>(found.body)).toHaveLength(1)
  })

  it('serves changefeed and changefeed/latest as application/json on every version', async () => {
    const token = await tokenFor(DICOM_AUDIENCE)
    emu.setScenario({ dicom: { changefeed: [{ sequence: 1 }, { sequence: 2 }, { sequence: 3 }] } })
    for (const version of ['v1', 'v2', 'v1.0-prerelease']) {
      const feed = await call(emu, `${emu.dicomUrl}/${version}/changefeed?offset=1&limit=1`, { headers: bearer(token) })
      expect(feed.status).toBe(200)
      expect(feed.headers['content-type']).toMatch(/^application\/json/)
      expect(parseJson<unknown>(feed.body)).toEqual([{ sequence: 2 }])
      const latest = await call(emu, `${emu.dicomUrl}/${version}/changefeed/latest`, { headers: bearer(token) })
      expect(parseJson<unknown>(latest.body)).toEqual({ sequence: 3 })
    }
  })

  it('rejects unversioned paths and unknown versions', async () => {
    const token = await tokenFor(DICOM_AUDIENCE)
    expect((await call(emu, `${emu.dicomUrl}/studies`, { headers: bearer(token) })).status).toBe(404)
    const v3 = await call(emu, `${emu.dicomUrl}/v3/studies`, { headers: bearer(token) })
    expect(v3.status).toBe(400)
    expect(parseJson<{ error: { code: string } }>(v3.body).error.code).toBe('UnsupportedApiVersion')
  })

  it('answers 401 with the challenge for a FHIR-audience token, and 403 plain text without a DICOM role', async () => {
    const wrong = await call(emu, `${emu.dicomUrl}/v2/studies`, { headers: bearer(await tokenFor(emu.fhirUrl)) })
    expect(wrong.status).toBe(401)
    expect(wrong.headers['www-authenticate']).toContain(`resource_id="${DICOM_AUDIENCE}"`)
    expect(wrong.headers['www-authenticate']).toContain('The audience is invalid')
    const forbidden = await call(emu, `${emu.dicomUrl}/v2/studies`, {
      headers: bearer(await tokenFor(DICOM_AUDIENCE, NO_ROLES_CLIENT_ID, NO_ROLES_CLIENT_SECRET))
    })
    expect(forbidden.status).toBe(403)
    expect(forbidden.headers['content-type']).toMatch(/^text\/plain/)
    expect(forbidden.body).toBe('Authorization failed.')
  })

  it('serves /health/check anonymously', async () => {
    const res = await call(emu, `${emu.dicomUrl}/health/check`)
    expect(res.status).toBe(200)
    expect(parseJson<{ overallStatus: string }>(res.body).overallStatus).toBe('Healthy')
  })
})

describe('GitHub OIDC', () => {
  it('needs the request token', async () => {
    expect((await call(emu, `${emu.oidcRequestUrl}&audience=x`)).status).toBe(401)
    expect((await call(emu, `${emu.oidcRequestUrl}&audience=x`, { headers: bearer('wrong') })).status).toBe(401)
  })

  it('issues a token with the scenario claims, the requested audience and the GitHub issuer', async () => {
    emu.setScenario({ github: { claims: { environment: 'production' } } })
    const res = await call(emu, `${emu.oidcRequestUrl}&audience=api://AzureADTokenExchange`, {
      headers: bearer(emu.oidcRequestToken)
    })
    const claims = jwtClaims(parseJson<{ value: string }>(res.body).value)
    expect(claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'api://AzureADTokenExchange',
      sub: DEFAULT_SUBJECT,
      repository: 'contoso/health-pipeline',
      repository_owner: 'contoso',
      ref: 'refs/heads/main',
      environment: 'production',
      actor: 'octocat'
    })
    expect(claims.job_workflow_ref).toEqual(expect.stringContaining('.github/workflows/'))
    expect(Number(claims.exp) - Number(claims.iat)).toBe(300)
    expect(emu.oidcRequestUrl).toContain('?')
  })

  it('omits environment outside a deployment job', async () => {
    const res = await call(emu, `${emu.oidcRequestUrl}&audience=a`, { headers: bearer(emu.oidcRequestToken) })
    expect(jwtClaims(parseJson<{ value: string }>(res.body).value)).not.toHaveProperty('environment')
  })

  it('works with @actions/core getIDToken in-process', async () => {
    const saved = { ...process.env }
    Object.assign(process.env, emu.env())
    // core logs the URL (::debug::) and masks the token (::add-mask::<token>): kept out of the test log.
    const stdout = captureStdout()
    try {
      const core = await import('@actions/core')
      const jwt = await core.getIDToken('api://AzureADTokenExchange')
      expect(jwtClaims(jwt).aud).toBe('api://AzureADTokenExchange')
      expect(stdout.chunks.map(chunk => chunk.trim())).toContain(`::add-mask::${jwt}`)
    } finally {
      stdout.restore()
      process.env = saved
    }
  })
})

describe('managed identity (App Service protocol)', () => {
  const saved = { ...process.env }
  afterEach(() => {
    process.env = { ...saved }
  })

  it('signs in with the real ManagedIdentityCredential, system- and user-assigned', async () => {
    process.env.IDENTITY_ENDPOINT = emu.managedIdentityEndpoint
    process.env.IDENTITY_HEADER = emu.managedIdentityHeader
    const system = await new ManagedIdentityCredential().getToken(`${emu.fhirUrl}/.default`)
    const systemIdentity = emu.scenario.managedIdentities.find(i => i.kind === 'system')
    expect(jwtClaims(system.token)).toMatchObject({ aud: emu.fhirUrl, oid: systemIdentity?.objectId })
    const user = emu.scenario.managedIdentities.find(i => i.kind === 'user')
    const userToken = await new ManagedIdentityCredential({ clientId: user?.clientId ?? '' }).getToken(
      `${DICOM_AUDIENCE}/.default`
    )
    expect(jwtClaims(userToken.token)).toMatchObject({
      aud: DICOM_AUDIENCE,
      oid: user?.objectId,
      appid: user?.clientId
    })
    const mi = emu.requests().filter(r => r.party === 'managed-identity')
    expect(mi.map(r => r.path)).toEqual([
      expect.stringContaining('api-version=2019-08-01&resource='),
      expect.stringContaining(`client_id=${user?.clientId ?? ''}`)
    ])
    // The token works against the service: the managed identity holds data roles by default.
    expect((await call(emu, `${emu.fhirUrl}/Patient`, { headers: bearer(system.token) })).status).toBe(200)
  })

  it('refuses a request without the identity header', async () => {
    const res = await call(
      emu,
      `${emu.managedIdentityEndpoint}?api-version=2019-08-01&resource=${encodeURIComponent(emu.fhirUrl)}`
    )
    expect(res.status).toBe(401)
  })
})

describe('de-identification service', () => {
  const jobs = (path: string): string => `${emu.deidUrl}${path}`
  interface Page {
    value: { name: string; status: string }[]
    nextLink?: string
  }

  it('lists jobs a page at a time, following nextLink to the last page', async () => {
    const token = await tokenFor(DEID_AUDIENCE)
    const names: string[] = []
    let next: string | undefined = jobs('/jobs?api-version=2024-11-15&maxpagesize=2')
    let pages = 0
    while (next !== undefined) {
      const res = await call(emu, next, { headers: bearer(token) })
      expect(res.status).toBe(200)
      const page = parseJson<Page>(res.body)
      expect(page.value.length).toBeLessThanOrEqual(2)
      names.push(...page.value.map(job => job.name))
      next = page.nextLink
      pages++
    }
    expect(pages).toBe(2)
    expect(names).toEqual(emu.scenario.deid.jobs.map(job => job.name))
  })

  it('refuses a request without the api-version, whatever the token', async () => {
    const res = await call(emu, jobs('/jobs'), { headers: bearer(await tokenFor(DEID_AUDIENCE)) })
    expect(res.status).toBe(400)
    expect(parseJson<{ error: { code: string } }>(res.body).error.code).toBe('MissingApiVersionParameter')
  })

  it('answers 401 with the challenge for a token of another audience, 403 without a DeID role', async () => {
    const wrong = await call(emu, jobs('/jobs?api-version=2024-11-15'), {
      headers: bearer(await tokenFor(DICOM_AUDIENCE))
    })
    expect(wrong.status).toBe(401)
    expect(wrong.headers['www-authenticate']).toContain(`resource_id="${DEID_AUDIENCE}"`)
    const noRole = await tokenFor(DEID_AUDIENCE, NO_ROLES_CLIENT_ID, NO_ROLES_CLIENT_SECRET)
    const denied = await call(emu, jobs('/jobs?api-version=2024-11-15'), { headers: bearer(noRole) })
    expect(denied.status).toBe(403)
    expect(parseJson<{ error: { code: string } }>(denied.body).error.code).toBe('Forbidden')
  })

  it('allows listing to a batch reader, not to a real-time user alone', async () => {
    const objectId = emu.scenario.apps.find(app => app.clientId === NO_ROLES_CLIENT_ID)?.objectId ?? ''
    emu.setScenario({ roles: { [objectId]: [{ role: 'DeID Realtime Data User', service: 'deid' }] } })
    const token = await tokenFor(DEID_AUDIENCE, NO_ROLES_CLIENT_ID, NO_ROLES_CLIENT_SECRET)
    expect((await call(emu, jobs('/jobs?api-version=2024-11-15'), { headers: bearer(token) })).status).toBe(403)
    emu.setScenario({ roles: { [objectId]: [{ role: 'DeID Batch Data Reader', service: 'deid' }] } })
    expect((await call(emu, jobs('/jobs?api-version=2024-11-15'), { headers: bearer(token) })).status).toBe(200)
  })
})
