import { describe, expect, it } from '@jest/globals'
import { AzurePipelinesCredential, ClientAssertionCredential } from '@azure/identity'
import * as jose from 'jose'
import {
  AZURE_PIPELINES_ISSUER,
  AZURE_PIPELINES_SERVICE_CONNECTION_ID,
  AZURE_PIPELINES_SUBJECT,
  DEFAULT_CLIENT_ID,
  DEFAULT_TENANT_ID,
  FEDERATED_AUDIENCE,
  GITLAB_ISSUER,
  GITLAB_SUBJECT
} from '../../emulator/index.ts'
import { call, parseJson, type RawResponse } from './helpers.ts'
import { useEmulator } from '../support/emulator.ts'
import { jwtClaims } from '../../emulator/runner.ts'

const emu = await useEmulator({ trust: true })

interface DevOpsError {
  $id: string
  innerException: null
  message: string
  typeName: string
  typeKey: string
  errorCode: number
  eventId: number
}

/** The request @azure/identity's AzurePipelinesCredential makes, with parts left out or changed. */
function askOidcToken(
  query: Record<string, string> = {
    'api-version': '7.1',
    serviceConnectionId: AZURE_PIPELINES_SERVICE_CONNECTION_ID
  },
  bearer: string | null = emu.azurePipelines.accessToken
): Promise<RawResponse> {
  const search = new URLSearchParams(query).toString()
  return call(emu, `${emu.azurePipelines.oidcRequestUri}${search === '' ? '' : `?${search}`}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-tfs-fedauthredirect': 'Suppress',
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` })
    }
  })
}

function expectDevOpsError(res: RawResponse, status: number, typeKey: string): DevOpsError {
  expect(res.status).toBe(status)
  expect(res.headers['content-type']).toMatch(/^application\/json/)
  const body = parseJson<DevOpsError>(res.body)
  expect(body).toMatchObject({ $id: '1', innerException: null, typeKey, errorCode: 0, eventId: 3000 })
  expect(body.typeName).toMatch(new RegExp(`\\.${typeKey}, [\\w.]+$`))
  return body
}

/** The keys the organization's issuer publishes, found through its discovery document. */
async function issuerKeys(): Promise<ReturnType<typeof jose.createLocalJWKSet>> {
  const origin = new URL(emu.azurePipelines.oidcRequestUri).origin
  const orgId = emu.scenario.azurePipelines.organizationId
  const discovery = await call(emu, `${origin}/${orgId}/.well-known/openid-configuration`)
  const { issuer, jwks_uri } = parseJson<{ issuer: string; jwks_uri: string }>(discovery.body)
  expect(issuer).toBe(AZURE_PIPELINES_ISSUER)
  return jose.createLocalJWKSet(parseJson<jose.JSONWebKeySet>((await call(emu, jwks_uri)).body))
}

/** The access token Entra ID issues for the assertion through @azure/identity; rejects with Entra's error. */
async function exchange(assertion: string): Promise<string> {
  const credential = new ClientAssertionCredential(
    DEFAULT_TENANT_ID,
    DEFAULT_CLIENT_ID,
    () => Promise.resolve(assertion),
    {
      authorityHost: emu.authorityHost,
      disableInstanceDiscovery: true,
      retryOptions: { maxRetries: 0 }
    }
  )
  return (await credential.getToken(`${emu.fhirUrl}/.default`)).token
}

describe('Azure Pipelines OIDC endpoint', () => {
  it('answers 200 with a token for the service connection, signed by the organization key', async () => {
    const res = await askOidcToken()
    expect(res.status).toBe(200)
    const { oidcToken } = parseJson<{ oidcToken: string }>(res.body)
    const { payload: claims } = await jose.jwtVerify(oidcToken, await issuerKeys(), {
      issuer: AZURE_PIPELINES_ISSUER
    })
    expect(claims).toMatchObject({
      iss: AZURE_PIPELINES_ISSUER,
      sub: AZURE_PIPELINES_SUBJECT,
      aud: FEDERATED_AUDIENCE
    })
    expect(claims.iss).toBe(`https://vstoken.dev.azure.com/${emu.scenario.azurePipelines.organizationId}`)
    expect(claims.exp).toBe((claims.iat ?? 0) + emu.scenario.azurePipelines.lifetimeSeconds)
    expect(claims.nbf).toBe(claims.iat)
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/)
    // Asking again gives a fresh token (a long job renews this way).
    const again = parseJson<{ oidcToken: string }>((await askOidcToken()).body).oidcToken
    expect(jwtClaims(again).jti).not.toBe(claims.jti)
  })

  it('answers 401 TF400813 without the System.AccessToken bearer, or with another one', async () => {
    const missing = expectDevOpsError(await askOidcToken(undefined, null), 401, 'UnauthorizedRequestException')
    expect(missing.message).toMatch(/^TF400813: /)
    expectDevOpsError(await askOidcToken(undefined, 'not-the-access-token'), 401, 'UnauthorizedRequestException')
  })

  it('answers 400 without an api-version, with an unknown one, or without serviceConnectionId', async () => {
    const connection = { serviceConnectionId: AZURE_PIPELINES_SERVICE_CONNECTION_ID }
    const noVersion = expectDevOpsError(await askOidcToken(connection), 400, 'VssVersionNotSpecifiedException')
    expect(noVersion.message).toContain('No api-version was supplied')
    const unknown = await askOidcToken({ ...connection, 'api-version': '1.0' })
    expect(expectDevOpsError(unknown, 400, 'VssInvalidApiVersionException').message).toContain("'1.0'")
    const noConnection = expectDevOpsError(await askOidcToken({ 'api-version': '7.1' }), 400, 'ArgumentNullException')
    expect(noConnection.message).toContain('serviceConnectionId')
  })

  it('answers 404 naming an unknown service connection', async () => {
    const id = '00000000-1111-4222-8333-444444444444'
    const res = await askOidcToken({ 'api-version': '7.1', serviceConnectionId: id })
    expect(expectDevOpsError(res, 404, 'ServiceEndpointNotFoundException').message).toContain(`'${id}'`)
  })

  it('keeps the System.AccessToken out of the request log', async () => {
    await askOidcToken()
    const log = emu.requests()
    expect(log).toEqual([expect.objectContaining({ party: 'azure-devops', method: 'POST', hadAuthorization: true })])
    expect(log[0]).not.toHaveProperty('bearerToken')
    expect(JSON.stringify(log)).not.toContain(emu.azurePipelines.accessToken)
  })

  it('gives a script step the predefined variables, without SYSTEM_ACCESSTOKEN', () => {
    const origin = new URL(emu.azurePipelines.oidcRequestUri).origin
    expect(emu.azurePipelinesEnv()).toEqual({
      TF_BUILD: 'True',
      SYSTEM_OIDCREQUESTURI: emu.azurePipelines.oidcRequestUri,
      SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: `${origin}/contoso/`,
      SYSTEM_TEAMPROJECT: 'hds',
      SYSTEM_TEAMPROJECTID: emu.scenario.azurePipelines.projectId
    })
    expect(new URL(emu.azurePipelines.oidcRequestUri).pathname).toMatch(
      new RegExp(
        `^/contoso/${emu.scenario.azurePipelines.projectId}/_apis/distributedtask/hubs/build/plans/[0-9a-f-]{36}/jobs/[0-9a-f-]{36}/oidctoken$`
      )
    )
  })

  it('lets a scripted fault target it', async () => {
    emu.setScenario({ faults: [{ party: 'azure-devops', status: 503, body: { message: 'busy' }, times: 1 }] })
    expect((await askOidcToken()).status).toBe(503)
    expect((await askOidcToken()).status).toBe(200)
    expect(emu.requests().map(r => `${r.party} ${r.status}`)).toEqual(['azure-devops 503', 'azure-devops 200'])
  })
})

describe('GitLab id_token', () => {
  it("carries GitLab's claims", async () => {
    const payload = jwtClaims(await emu.mintGitLabIdToken())
    expect(emu.gitlabIssuer).toBe(GITLAB_ISSUER)
    expect(payload).toMatchObject({
      iss: 'https://gitlab.com',
      sub: GITLAB_SUBJECT,
      aud: FEDERATED_AUDIENCE,
      namespace_path: 'contoso',
      project_path: 'contoso/hds-pipelines',
      ref: 'main',
      ref_type: 'branch',
      ref_protected: 'true',
      pipeline_source: 'push'
    })
    expect(payload.exp).toBe(Number(payload.iat) + emu.scenario.gitlab.lifetimeSeconds)
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('takes the project, ref, audience and lifetime asked for', async () => {
    const token = await emu.mintGitLabIdToken({
      projectPath: 'fabrikam/apps/hds',
      ref: 'v1.2.0',
      refType: 'tag',
      audience: 'api://other',
      lifetimeSeconds: -60
    })
    const claims = jwtClaims(token)
    expect(claims).toMatchObject({
      sub: 'project_path:fabrikam/apps/hds:ref_type:tag:ref:v1.2.0',
      aud: 'api://other',
      namespace_path: 'fabrikam/apps'
    })
    expect(claims.exp).toBe(Number(claims.iat) - 60)
  })
})

describe('Entra ID trusts the other CI systems through federated credentials', () => {
  it('accepts an Azure Pipelines token, asked the way @azure/identity asks it', async () => {
    const previous = process.env.SYSTEM_OIDCREQUESTURI
    process.env.SYSTEM_OIDCREQUESTURI = emu.azurePipelines.oidcRequestUri
    try {
      const credential = new AzurePipelinesCredential(
        DEFAULT_TENANT_ID,
        DEFAULT_CLIENT_ID,
        emu.azurePipelines.serviceConnectionId,
        emu.azurePipelines.accessToken,
        { authorityHost: emu.authorityHost, disableInstanceDiscovery: true, retryOptions: { maxRetries: 0 } }
      )
      const token = await credential.getToken(`${emu.fhirUrl}/.default`)
      expect(jwtClaims(token.token)).toMatchObject({ appid: DEFAULT_CLIENT_ID, aud: emu.fhirUrl })
    } finally {
      if (previous === undefined) delete process.env.SYSTEM_OIDCREQUESTURI
      else process.env.SYSTEM_OIDCREQUESTURI = previous
    }
    // @azure/identity may ask the endpoint more than once per sign-in: each answer is a fresh token.
    expect(emu.requests().map(r => `${r.party} ${r.method} ${r.status}`)).toEqual(
      expect.arrayContaining(['azure-devops POST 200', 'entra POST 200'])
    )
  })

  it('accepts an Azure Pipelines token as a client assertion', async () => {
    const { oidcToken } = parseJson<{ oidcToken: string }>((await askOidcToken()).body)
    expect(jwtClaims(await exchange(oidcToken))).toMatchObject({ appid: DEFAULT_CLIENT_ID, aud: emu.fhirUrl })
  })

  it('accepts a GitLab id_token as a client assertion', async () => {
    const token = await exchange(await emu.mintGitLabIdToken())
    expect(jwtClaims(token)).toMatchObject({ appid: DEFAULT_CLIENT_ID, aud: emu.fhirUrl })
  })

  it('refuses another service connection with AADSTS700213 quoting its subject', async () => {
    const other = { id: '5a7c9e1b-3d5f-4b7a-9c1e-3f5a7c9e1b3d', name: 'hds-dicom' }
    emu.setScenario({ azurePipelines: { serviceConnections: [other] } })
    const { oidcToken } = parseJson<{ oidcToken: string }>(
      (await askOidcToken({ 'api-version': '7.1', serviceConnectionId: other.id })).body
    )
    await expect(exchange(oidcToken)).rejects.toThrow(
      /AADSTS700213: No matching federated identity record found for presented assertion subject 'sc:\/\/contoso\/hds\/hds-dicom'/
    )
  })

  it('refuses another GitLab ref with AADSTS700213 quoting its subject', async () => {
    await expect(exchange(await emu.mintGitLabIdToken({ ref: 'feature/x' }))).rejects.toThrow(
      /AADSTS700213: No matching federated identity record found for presented assertion subject 'project_path:contoso\/hds-pipelines:ref_type:branch:ref:feature\/x'/
    )
  })

  it('refuses a GitLab token for another audience with 700212, a subject differing in case with 7002138', async () => {
    await expect(exchange(await emu.mintGitLabIdToken({ audience: 'https://gitlab.com' }))).rejects.toThrow(
      /AADSTS700212: No matching federated identity record found for presented assertion audience 'https:\/\/gitlab.com'/
    )
    await expect(exchange(await emu.mintGitLabIdToken({ projectPath: 'Contoso/hds-pipelines' }))).rejects.toThrow(
      /AADSTS7002138: .*subject 'project_path:Contoso\/hds-pipelines:ref_type:branch:ref:main'/
    )
  })

  it("refuses a token signed with another issuer's key with AADSTS50013", async () => {
    // Signed with GitLab's key but naming the Azure DevOps issuer: Entra ID checks it with the organization's key.
    emu.setScenario({ gitlab: { issuer: AZURE_PIPELINES_ISSUER } })
    const forged = await emu.mintGitLabIdToken()
    emu.setScenario({})
    await expect(exchange(forged)).rejects.toThrow(/AADSTS50013/)
  })
})
