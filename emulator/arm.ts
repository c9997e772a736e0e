// Azure Resource Manager on management.azure.com, as much of it as a sign-in of the Azure CLI or Azure PowerShell reads
// (`az login`, `az login --identity`, `Connect-AzAccount -Identity`): the tenants and subscriptions its identity sees.
// A token for either of ARM's names is accepted, as ARM does; the identity has a home tenant and no subscription (a
// data-plane pipeline's identity, signed in with --allow-no-subscriptions).
import { checkBearer } from './access.ts'
import { type EmuRequest, type EmuResponse, jsonResponse } from './http.ts'
import { ARM_AUDIENCE } from './scenario.ts'
import type { World } from './world.ts'

/** The audiences ARM accepts: its current and classic names, with and without the slash. */
export const ARM_AUDIENCES: readonly string[] = [
  'https://management.core.windows.net/',
  'https://management.core.windows.net',
  `${ARM_AUDIENCE}/`,
  ARM_AUDIENCE
]

const armError = (status: number, code: string, message: string): EmuResponse =>
  jsonResponse(status, { error: { code, message } })

/** ARM's answers to a missing, invalid or misdirected token. */
const REFUSALS: Readonly<Record<'missing' | 'invalid' | 'wrong-audience', EmuResponse>> = {
  missing: armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing."),
  invalid: armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.'),
  'wrong-audience': armError(
    401,
    'InvalidAuthenticationTokenAudience',
    'The access token has been obtained for wrong audience or resource. It should exactly match with one of the ' +
      `allowed audiences ${ARM_AUDIENCES.map(a => `'${a}'`).join(',')}.`
  )
}

export async function handleArm(req: EmuRequest, world: World): Promise<EmuResponse> {
  const path = req.url.pathname.replace(/\/$/, '')
  if (path !== '/subscriptions' && path !== '/tenants') {
    return armError(404, 'NotFound', `No emulated endpoint for ${req.method} ${req.url.pathname}`)
  }
  if (req.method !== 'GET') {
    return armError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`)
  }
  if (!req.url.searchParams.get('api-version')) {
    return armError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.'
    )
  }
  const bearer = await checkBearer(req, world, ARM_AUDIENCES)
  if (bearer.outcome !== 'valid') return REFUSALS[bearer.outcome]
  if (path === '/subscriptions') return jsonResponse(200, { value: [], count: { type: 'Total', value: 0 } })
  const tid = bearer.claims.tid
  const tenants = world.scenario.tenants.filter(t => t.id === tid)
  return jsonResponse(200, {
    value: tenants.map(t => ({
      id: `/tenants/${t.id}`,
      tenantId: t.id,
      countryCode: 'US',
      displayName: t.displayName ?? '',
      domains: t.domain === undefined ? [] : [t.domain],
      tenantCategory: 'Home',
      ...(t.domain === undefined ? {} : { defaultDomain: t.domain }),
      tenantType: 'AAD'
    }))
  })
}
