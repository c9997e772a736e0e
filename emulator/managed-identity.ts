// The App Service managed-identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER), as @azure/identity's
// ManagedIdentityCredential calls it: GET ?api-version=2019-08-01&resource=...[&client_id|object_id|mi_res_id],
// header X-IDENTITY-HEADER; answer { access_token, expires_on, resource, token_type, client_id }.
import { randomUUID } from 'node:crypto'
import { type EmuRequest, type EmuResponse, header, jsonResponse } from './http.ts'
import type { ManagedIdentitySpec } from './scenario.ts'
import { issueAccessToken, resourceExists } from './tokens.ts'
import type { World } from './world.ts'

export const MANAGED_IDENTITY_PATH = '/msi/token'
export const MANAGED_IDENTITY_API_VERSION = '2019-08-01'

function failure(status: number, message: string): EmuResponse {
  return jsonResponse(status, { statusCode: status, message, correlationId: randomUUID() })
}

export function selectIdentity(world: World, query: URLSearchParams): ManagedIdentitySpec | undefined {
  const identities = world.scenario.managedIdentities
  const clientId = query.get('client_id')
  const objectId = query.get('object_id') ?? query.get('principal_id')
  const resourceId = query.get('mi_res_id')
  if (clientId !== null) return identities.find(i => i.clientId.toLowerCase() === clientId.toLowerCase())
  if (objectId !== null) return identities.find(i => i.objectId.toLowerCase() === objectId.toLowerCase())
  if (resourceId !== null) return identities.find(i => i.resourceId?.toLowerCase() === resourceId.toLowerCase())
  return identities.find(i => i.kind === 'system')
}

export async function handleManagedIdentity(
  req: EmuRequest,
  world: World,
  identityHeader: string
): Promise<EmuResponse> {
  if (req.method !== 'GET' || req.url.pathname !== MANAGED_IDENTITY_PATH) return failure(404, 'Not found.')
  if (header(req, 'x-identity-header') !== identityHeader) {
    return failure(401, 'The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.')
  }
  const query = req.url.searchParams
  if (query.get('api-version') !== MANAGED_IDENTITY_API_VERSION) {
    return failure(400, `Unsupported api-version '${query.get('api-version') ?? ''}'.`)
  }
  const resource = query.get('resource')
  if (!resource) return failure(400, "The 'resource' parameter is required.")
  const identity = selectIdentity(world, query)
  if (!identity) return failure(400, 'Unable to load the proper Managed Identity.')
  if (!resourceExists(world, resource)) {
    return failure(
      400,
      `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${identity.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`
    )
  }
  const issued = await issueAccessToken(world, resource, {
    tenantId: identity.tenantId,
    clientId: identity.clientId,
    objectId: identity.objectId,
    appidacr: '2',
    extraClaims: identity.resourceId === undefined ? {} : { xms_mirid: identity.resourceId }
  })
  return jsonResponse(200, {
    access_token: issued.token,
    expires_on: String(issued.expiresOn),
    resource,
    token_type: 'Bearer',
    client_id: identity.clientId
  })
}
