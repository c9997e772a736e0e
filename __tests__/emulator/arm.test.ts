// Azure Resource Manager on management.azure.com, as the Azure CLI and Azure PowerShell read it after a sign-in: the
// identity's home tenant and its (no) subscriptions, for a token under either of ARM's names, and ARM's own errors.
import { beforeEach, describe, expect, it } from '@jest/globals'
import {
  ARM_AUDIENCE,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_TENANT_DOMAIN,
  DEFAULT_TENANT_ID,
  DICOM_AUDIENCE
} from '../../emulator/index.ts'
import { useEmulator } from '../support/emulator.ts'
import { call, parseJson } from './helpers.ts'

const CLASSIC = 'https://management.core.windows.net/'
const emu = await useEmulator({ listen: { mode: 'hosts', port: 0 } })
// The classic name is a resource of the tenant too, as in Microsoft Entra ID.
beforeEach(() => {
  emu.setScenario({ resources: [DICOM_AUDIENCE, ARM_AUDIENCE, CLASSIC] })
})
const port = Number(new URL(emu.authorityHost).port)
const via = { address: '127.0.0.1', port }
const arm = `https://management.azure.com:${port}`

async function tokenFor(resource: string): Promise<string> {
  const answer = await call(emu, `${emu.authorityHost}/${DEFAULT_TENANT_ID}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: DEFAULT_CLIENT_ID,
      client_secret: DEFAULT_CLIENT_SECRET,
      // As MSAL sends it: the resource, its slash kept, then /.default.
      scope: `${resource.endsWith('/') ? resource : `${resource}/`}.default`
    }).toString(),
    connectTo: via
  })
  if (answer.status !== 200) throw new Error(answer.body)
  return parseJson<{ access_token: string }>(answer.body).access_token
}

const get = (path: string, token?: string) =>
  call(emu, `${arm}${path}`, { connectTo: via, headers: token ? { authorization: `Bearer ${token}` } : {} })

describe('Azure Resource Manager', () => {
  it.each([ARM_AUDIENCE, CLASSIC])('lists the home tenant and no subscription for a token for %s', async resource => {
    const token = await tokenFor(resource)
    // As az login asks them (PowerShell asks the same paths with its own api-version).
    const tenants = await get('/tenants?api-version=2022-12-01', token)
    expect(tenants.status).toBe(200)
    expect(parseJson<{ value: unknown[] }>(tenants.body).value).toEqual([
      expect.objectContaining({
        id: `/tenants/${DEFAULT_TENANT_ID}`,
        tenantId: DEFAULT_TENANT_ID,
        tenantCategory: 'Home',
        defaultDomain: DEFAULT_TENANT_DOMAIN
      })
    ])
    const subscriptions = await get('/subscriptions?api-version=2022-12-01', token)
    expect(subscriptions.status).toBe(200)
    expect(parseJson<{ value: unknown[] }>(subscriptions.body).value).toEqual([])
  })

  it('answers as ARM does without a token, with another resource token, and without an api-version', async () => {
    const code = async (path: string, token?: string): Promise<[number, string]> => {
      const answer = await get(path, token)
      return [answer.status, parseJson<{ error: { code: string } }>(answer.body).error.code]
    }
    expect(await code('/subscriptions?api-version=2022-12-01')).toEqual([401, 'AuthenticationFailed'])
    expect(await code('/subscriptions?api-version=2022-12-01', await tokenFor(DICOM_AUDIENCE))).toEqual([
      401,
      'InvalidAuthenticationTokenAudience'
    ])
    expect(await code('/tenants?api-version=2022-12-01', 'not.a.token')).toEqual([401, 'InvalidAuthenticationToken'])
    expect(await code('/tenants', await tokenFor(ARM_AUDIENCE))).toEqual([400, 'MissingApiVersionParameter'])
    expect(await code('/providers?api-version=2022-12-01')).toEqual([404, 'NotFound'])
  })
})
