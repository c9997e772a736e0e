import { describe, expect, it } from '@jest/globals'
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_TENANT_ID, DICOM_AUDIENCE } from '../../emulator/index.ts'
import { call, parseJson } from './helpers.ts'
import { useEmulator } from '../support/emulator.ts'
import { jwtClaims } from '../../emulator/runner.ts'

// Port 0 picks a free port; the URLs then carry it.
const emu = await useEmulator({ listen: { mode: 'hosts', port: 0 } })
const port = Number(new URL(emu.authorityHost).port)

const via = (): { address: string; port: number } => ({ address: '127.0.0.1', port })

describe('hosts mode', () => {
  it('uses the production names', () => {
    expect(port).toBeGreaterThan(0)
    expect(emu.authorityHost).toBe(`https://login.microsoftonline.com:${port}`)
    expect(emu.fhirUrl).toBe(`https://contoso-fhir.fhir.azurehealthcareapis.com:${port}`)
    expect(emu.dicomUrl).toBe(`https://contoso-dicom.dicom.azurehealthcareapis.com:${port}`)
    expect(emu.deidUrl).toBe(`https://contoso-deid.api.eus001.deid.azure.com:${port}`)
    expect(emu.azurePipelines.oidcRequestUri).toMatch(
      new RegExp(`^https://dev\\.azure\\.com:${port}/contoso/[0-9a-f-]{36}/_apis/distributedtask/.+/oidctoken$`)
    )
    expect(emu.azurePipelinesEnv().SYSTEM_TEAMFOUNDATIONCOLLECTIONURI).toBe(`https://dev.azure.com:${port}/contoso/`)
    expect(emu.oidcRequestUrl).toMatch(
      new RegExp(`^https://pipelines\\.actions\\.githubusercontent\\.com:${port}/.+\\?api-version=2\\.0$`)
    )
  })

  it('routes one listener by Host and SNI to each party, with a certificate valid for every name', async () => {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: DEFAULT_CLIENT_ID,
      client_secret: DEFAULT_CLIENT_SECRET,
      scope: `${DICOM_AUDIENCE}/.default`
    }).toString()
    const token = await call(emu, `${emu.authorityHost}/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      connectTo: via()
    })
    expect(token.status).toBe(200)
    const accessToken = parseJson<{ access_token: string }>(token.body).access_token
    expect(jwtClaims(accessToken).aud).toBe(DICOM_AUDIENCE)

    const otherFhir = `https://another-ws-fhir.fhir.azurehealthcareapis.com:${port}/metadata`
    expect((await call(emu, otherFhir, { connectTo: via() })).status).toBe(200)
    const dicom = await call(emu, `${emu.dicomUrl}/v2/studies`, {
      headers: { authorization: `Bearer ${accessToken}` },
      connectTo: via()
    })
    expect(dicom.status).toBe(204)
    // A token for DICOM is the wrong audience for the de-identification service: routed to it, and refused by it.
    const deid = await call(emu, `${emu.deidUrl}/jobs?api-version=2024-11-15`, {
      headers: { authorization: `Bearer ${accessToken}` },
      connectTo: via()
    })
    expect(deid.status).toBe(401)
    const oidc = await call(emu, `${emu.oidcRequestUrl}&audience=api://AzureADTokenExchange`, {
      headers: { authorization: `Bearer ${emu.oidcRequestToken}` },
      connectTo: via()
    })
    expect(oidc.status).toBe(200)
    const issuer = await call(
      emu,
      `https://token.actions.githubusercontent.com:${port}/.well-known/openid-configuration`,
      { connectTo: via() }
    )
    expect(parseJson<{ issuer: string }>(issuer.body).issuer).toBe('https://token.actions.githubusercontent.com')

    const ado = await call(emu, `${emu.azurePipelines.oidcRequestUri}?api-version=7.1&serviceConnectionId=unknown`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emu.azurePipelines.accessToken}` },
      connectTo: via()
    })
    expect(ado.status).toBe(404)
    const adoIssuer = await call(
      emu,
      `https://vstoken.dev.azure.com:${port}/${emu.scenario.azurePipelines.organizationId}/.well-known/openid-configuration`,
      { connectTo: via() }
    )
    expect(parseJson<{ issuer: string }>(adoIssuer.body).issuer).toBe(emu.azurePipelines.issuer)

    expect(emu.requests().map(r => r.party)).toEqual([
      'entra',
      'fhir',
      'dicom',
      'deid',
      'github',
      'github',
      'azure-devops',
      'azure-devops'
    ])
    expect(emu.requests()[1]?.origin).toBe(`https://another-ws-fhir.fhir.azurehealthcareapis.com:${port}`)
  })
})
