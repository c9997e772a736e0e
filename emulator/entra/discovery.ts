// What Entra ID publishes before any sign-in: tenant resolution, the OpenID configuration, the signing keys (JWKS)
// and instance discovery, which MSAL calls to learn the authority's aliases.
import { type EmuRequest, type EmuResponse, jsonResponse } from '../http.ts'
import { jwks } from '../jwt.ts'
import type { TenantSpec } from '../scenario.ts'
import type { World } from '../world.ts'
import { type EntraError, entraErrorResponse } from './errors.ts'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i

/** Authority paths that name no single tenant: they have an OpenID configuration but cannot issue app tokens. */
export const MULTI_TENANT_PATHS: readonly string[] = ['common', 'organizations', 'consumers']

type TenantLookup = { readonly tenant: TenantSpec } | { readonly error: EntraError }

export function resolveTenant(world: World, segment: string): TenantLookup {
  const tenants = world.scenario.tenants
  if (GUID.test(segment)) {
    const tenant = tenants.find(t => t.id.toLowerCase() === segment.toLowerCase())
    if (tenant) return { tenant }
  } else if (DNS_NAME.test(segment)) {
    const tenant = tenants.find(t => t.domain?.toLowerCase() === segment.toLowerCase())
    if (tenant) return { tenant }
  } else {
    return {
      error: {
        status: 400,
        error: 'invalid_request',
        code: 900023,
        message: `Specified tenant identifier '${segment}' is neither a valid DNS name, nor a valid external domain.`
      }
    }
  }
  return {
    error: {
      status: 400,
      error: 'invalid_request',
      code: 90002,
      message: `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`
    }
  }
}

/** How Entra names a tenant in its error messages. */
export function tenantName(tenant: TenantSpec): string {
  return tenant.displayName ?? tenant.id
}

function openIdConfiguration(origin: string, tenantPath: string, tenantId: string): Record<string, unknown> {
  const base = `${origin}/${tenantPath}`
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${origin}/${tenantId}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email'
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net'
  }
}

/** A multi-tenant alias answers with the `{tenantid}` placeholder as issuer; a tenant answers only if it exists. */
export function handleOpenIdConfiguration(req: EmuRequest, world: World, tenantPath: string): EmuResponse {
  if (MULTI_TENANT_PATHS.includes(tenantPath)) {
    return jsonResponse(200, openIdConfiguration(req.origin, tenantPath, '{tenantid}'))
  }
  const lookup = resolveTenant(world, tenantPath)
  if ('error' in lookup) return entraErrorResponse(req, world, lookup.error)
  return jsonResponse(200, openIdConfiguration(req.origin, tenantPath, lookup.tenant.id))
}

/** Every tenant's tokens are signed with the one emulated tenant key. */
export function handleKeys(world: World): EmuResponse {
  return jsonResponse(200, jwks([world.tenantKey]))
}

export function handleInstanceDiscovery(req: EmuRequest): EmuResponse {
  const endpoint = req.url.searchParams.get('authorization_endpoint') ?? `${req.origin}/common/oauth2/v2.0/authorize`
  let tenant = 'common'
  let host = req.url.host
  try {
    const parsed = new URL(endpoint)
    host = parsed.host
    tenant = parsed.pathname.split('/')[1] ?? 'common'
  } catch {
    // Keep the defaults: Microsoft answers for a malformed endpoint too.
  }
  const known = ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net']
  return jsonResponse(200, {
    tenant_discovery_endpoint: `https://${host}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [
      { preferred_network: 'login.microsoftonline.com', preferred_cache: 'login.windows.net', aliases: known },
      ...(known.includes(host) ? [] : [{ preferred_network: host, preferred_cache: host, aliases: [host] }])
    ]
  })
}
