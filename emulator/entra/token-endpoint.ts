// Entra ID's client-credentials token endpoint, v2.0 (`scope`) and v1.0 (`resource`): it checks the request in
// Entra's order (tenant, grant, client, scope, credential, resource), so each mistake gets the code Entra gives it.
import { randomUUID } from 'node:crypto'
import { type EmuRequest, type EmuResponse, formBody, header, jsonResponse } from '../http.ts'
import type { AppSpec, TenantSpec } from '../scenario.ts'
import { type IssuedAccessToken, issueAccessToken, resourceExists } from '../tokens.ts'
import type { World } from '../world.ts'
import { authenticateClient } from './client-auth.ts'
import { MULTI_TENANT_PATHS, resolveTenant, tenantName } from './discovery.ts'
import { type EntraError, entraErrorResponse, entraHeaders } from './errors.ts'
import { replicated } from './replication.ts'

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access'])

/** The resource named by a client-credentials scope: `<resource>/.default` with only `/.default` removed. */
function resourceFromScope(scope: string): string | undefined {
  const wanted = scope.split(/\s+/).filter(s => s !== '' && !OIDC_SCOPES.has(s))
  if (wanted.length !== 1) return undefined
  const only = wanted[0] ?? ''
  return only.endsWith('/.default') ? only.slice(0, -'/.default'.length) : undefined
}

type TokenRequest = { readonly app: AppSpec; readonly requested: string } | { readonly error: EntraError }

/** The grant, client and resource the form asks for, before any credential is checked. */
function readTokenRequest(world: World, tenant: TenantSpec, form: URLSearchParams, v1: boolean): TokenRequest {
  const grantType = form.get('grant_type')
  if (grantType !== 'client_credentials') {
    return {
      error: {
        status: 400,
        error: 'unsupported_grant_type',
        code: 70003,
        message: `The app requested an unsupported grant type '${grantType ?? ''}'.`
      }
    }
  }
  const clientId = form.get('client_id')
  if (!clientId) {
    return {
      error: {
        status: 400,
        error: 'invalid_request',
        code: 900144,
        message: "The request body must contain the following parameter: 'client_id'."
      }
    }
  }
  const app = world.scenario.apps.find(
    a =>
      a.clientId.toLowerCase() === clientId.toLowerCase() &&
      a.tenantId.toLowerCase() === tenant.id.toLowerCase() &&
      replicated(world, a)
  )
  if (!app) {
    return {
      error: {
        status: 400,
        error: 'unauthorized_client',
        code: 700016,
        message: `Application with identifier '${clientId}' was not found in the directory '${tenantName(tenant)}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`
      }
    }
  }
  const requested = v1 ? (form.get('resource') ?? undefined) : resourceFromScope(form.get('scope') ?? '')
  if (requested === undefined) {
    return {
      error: {
        status: 400,
        error: 'invalid_scope',
        code: 1002012,
        message: `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`
      }
    }
  }
  return { app, requested }
}

function sameResource(a: string, b: string): boolean {
  return a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase()
}

/** v1.0 sends its numbers as strings and names the resource; v2.0 sends numbers and no resource. */
function tokenResponse(req: EmuRequest, issued: IssuedAccessToken, requested: string, v1: boolean): EmuResponse {
  const traceId = randomUUID()
  const headers = entraHeaders(req, traceId, header(req, 'client-request-id') ?? randomUUID())
  const body = v1
    ? {
        token_type: 'Bearer',
        expires_in: String(issued.expiresIn),
        ext_expires_in: String(issued.expiresIn),
        expires_on: String(issued.expiresOn),
        not_before: String(issued.expiresOn - issued.expiresIn),
        resource: requested,
        access_token: issued.token
      }
    : {
        token_type: 'Bearer',
        expires_in: issued.expiresIn,
        ext_expires_in: issued.expiresIn,
        access_token: issued.token
      }
  return jsonResponse(200, body, headers)
}

/** POST `{tenant}/oauth2/v2.0/token`, or `{tenant}/oauth2/token` when `v1`. */
export async function handleToken(
  req: EmuRequest,
  world: World,
  tenantPath: string,
  v1: boolean
): Promise<EmuResponse> {
  const fail = (e: EntraError): EmuResponse => entraErrorResponse(req, world, e)
  // An app token needs a tenant: `common` and its kin can name none.
  if (MULTI_TENANT_PATHS.includes(tenantPath)) {
    return fail({
      status: 400,
      error: 'invalid_request',
      code: 50059,
      message: 'No tenant-identifying information found in either the request or implied by any provided credentials.'
    })
  }
  const lookup = resolveTenant(world, tenantPath)
  if ('error' in lookup) return fail(lookup.error)
  const tenant = lookup.tenant
  const form = formBody(req)
  const request = readTokenRequest(world, tenant, form, v1)
  if ('error' in request) return fail(request.error)
  const { app, requested } = request

  const auth = await authenticateClient(world, req, tenantPath, app, form)
  if ('error' in auth) return fail(auth.error)

  const newService = sameResource(requested, world.fhirUrl) && !replicated(world, world.scenario.fhir)
  if (!resourceExists(world, requested) || newService) {
    return fail({
      status: 400,
      error: 'invalid_resource',
      code: 500011,
      message: `The resource principal named ${requested} was not found in the tenant named ${tenantName(tenant)}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`
    })
  }

  const issued = await issueAccessToken(world, requested, {
    tenantId: tenant.id,
    clientId: app.clientId,
    objectId: app.objectId,
    appidacr: auth.appidacr
  })
  return tokenResponse(req, issued, requested, v1)
}
