// Microsoft Entra ID v2 endpoints: discovery, keys and the client-credentials token endpoint, with Microsoft's error
// shapes (AADSTS codes, trace and correlation IDs).
import { createPublicKey, randomUUID } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { certificateThumbprints } from './ca.ts'
import { type EmuRequest, type EmuResponse, formBody, header, jsonResponse } from './http.ts'
import { decodeJwt, hasValidSignature, jwks, signJwt } from './jwt.ts'
import type { AppSpec, TenantSpec } from './scenario.ts'
import type { World } from './world.ts'

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access'])
const WIF_DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation'

/** Entra's timestamp format in error bodies: `2024-05-01 10:00:00Z`. */
function entraTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z')
}

function assertionTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z')
}

export interface EntraError {
  readonly status: number
  readonly error: string
  readonly code: number
  readonly message: string
}

/** An error in Microsoft's shape; the correlation ID echoes the client's `client-request-id` like Entra does. */
export function entraErrorResponse(req: EmuRequest, world: World, e: EntraError): EmuResponse {
  const traceId = randomUUID()
  const correlationId = header(req, 'client-request-id') ?? randomUUID()
  const timestamp = entraTimestamp(world.now())
  return jsonResponse(
    e.status,
    {
      error: e.error,
      error_description: `AADSTS${e.code}: ${e.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [e.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${req.origin}/error?code=${e.code}`
    },
    entraHeaders(req, traceId, correlationId)
  )
}

function entraHeaders(req: EmuRequest, traceId: string, correlationId: string): Record<string, string> {
  return {
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'x-ms-request-id': traceId,
    'x-ms-ests-server': '2.1.emulator',
    'client-request-id': header(req, 'client-request-id') ?? correlationId
  }
}

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

function tenantName(tenant: TenantSpec): string {
  return tenant.displayName ?? tenant.id
}

export function openIdConfiguration(origin: string, tenantPath: string, tenantId: string): Record<string, unknown> {
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

function instanceDiscovery(req: EmuRequest): EmuResponse {
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

export interface AccessTokenSubject {
  readonly tenantId: string
  readonly clientId: string
  readonly objectId: string
  /** 0 public client, 1 secret, 2 certificate or federated assertion (as Entra reports it). */
  readonly appidacr: '0' | '1' | '2'
  readonly extraClaims?: JWTPayload
}

/** A v1.0 access token as Entra issues for a client-credentials grant; `aud` is the resource exactly as asked. */
export async function issueAccessToken(
  world: World,
  resource: string,
  who: AccessTokenSubject
): Promise<{ token: string; expiresIn: number; expiresOn: number }> {
  const now = Math.floor(world.now() / 1000)
  const expiresIn = world.scenario.entra.tokenLifetimeSeconds
  const iss = `https://sts.windows.net/${who.tenantId}/`
  const claims: JWTPayload = {
    aud: resource,
    iss,
    iat: now,
    nbf: now,
    exp: now + expiresIn,
    aio: randomUUID().replace(/-/g, ''),
    appid: who.clientId,
    appidacr: who.appidacr,
    azp: who.clientId,
    idp: iss,
    idtyp: 'app',
    oid: who.objectId,
    rh: '0.emulator.',
    sub: who.objectId,
    tid: who.tenantId,
    uti: randomUUID().replace(/-/g, '').slice(0, 22),
    ver: '1.0',
    ...who.extraClaims
  }
  return { token: await signJwt(world.tenantKey, claims), expiresIn, expiresOn: now + expiresIn }
}

function normaliseResource(resource: string): string {
  const trimmed = resource.replace(/\/$/, '')
  try {
    const url = new URL(trimmed)
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`.toLowerCase()
  } catch {
    return trimmed.toLowerCase()
  }
}

/** Entra resolves a resource by its identifier URI; a trailing slash still resolves, and stays in `aud`. */
export function resourceExists(world: World, resource: string): boolean {
  const wanted = normaliseResource(resource)
  return world.resources.some(r => normaliseResource(r) === wanted)
}

type ClientAuth = { readonly appidacr: '1' | '2' } | { readonly error: EntraError }

const invalidClient = (status: number, code: number, message: string): { error: EntraError } => ({
  error: { status, error: 'invalid_client', code, message }
})

function checkSecret(world: World, app: AppSpec, secret: string): ClientAuth {
  const match = (app.secrets ?? []).find(s => s.value === secret)
  if (!match) {
    return invalidClient(
      401,
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`
    )
  }
  if (match.expiresOn !== undefined && Date.parse(match.expiresOn) <= world.now()) {
    return invalidClient(
      401,
      7000222,
      `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`
    )
  }
  return { appidacr: '1' }
}

function timeRangeError(world: World, payload: JWTPayload): EntraError | undefined {
  const now = world.now() / 1000
  const skew = world.scenario.entra.clockSkewSeconds
  const exp = payload.exp
  const nbf = payload.nbf ?? payload.iat
  if (exp !== undefined && now - skew < exp && (nbf === undefined || now + skew >= nbf)) return undefined
  return {
    status: 400,
    error: 'invalid_client',
    code: 700024,
    message: `Client assertion is not within its valid time range. Current time: ${assertionTime(Math.floor(now))}, assertion valid from ${nbf === undefined ? 'unknown' : assertionTime(nbf)}, expiry time of assertion ${exp === undefined ? 'unknown' : assertionTime(exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`
  }
}

async function checkCertificateAssertion(
  world: World,
  req: EmuRequest,
  tenantPath: string,
  app: AppSpec,
  assertion: string
): Promise<ClientAuth> {
  const decoded = decodeJwt(assertion)
  if (!decoded) return invalidClient(400, 50027, 'JWT token is invalid or malformed.')
  const x5t = typeof decoded.header.x5t === 'string' ? decoded.header.x5t : undefined
  const x5tS256 = typeof decoded.header['x5t#S256'] === 'string' ? decoded.header['x5t#S256'] : undefined
  const registered = (app.certificates ?? []).flatMap(c => (c.pem ? [c.pem] : []))
  const cert = registered.find(pem => {
    const t = certificateThumbprints(pem)
    return (x5t !== undefined && t.x5t === x5t) || (x5tS256 !== undefined && t.x5tS256 === x5tS256)
  })
  const thumbprint = x5tS256 ?? x5t ?? ''
  const notRegistered = (reason: string): ClientAuth =>
    invalidClient(
      401,
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - ${reason}, Thumbprint of key used by client: '${Buffer.from(thumbprint, 'base64url').toString('hex').toUpperCase()}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments if you are using national clouds.]`
    )
  if (!cert) return notRegistered('The key was not found.')
  if (!(await hasValidSignature(assertion, createPublicKey(cert)))) {
    return notRegistered('The key was found, but use of the key to verify the signature failed.')
  }
  const timeError = timeRangeError(world, decoded.payload)
  if (timeError) return { error: timeError }
  const audiences = [decoded.payload.aud].flat()
  const accepted = new Set(
    [tenantPath, app.tenantId]
      .flatMap(t => [`${req.origin}/${t}/oauth2/v2.0/token`, `${req.origin}/${t}/oauth2/token`])
      .map(a => a.toLowerCase())
  )
  if (!audiences.some(a => a !== undefined && accepted.has(a.toLowerCase()))) {
    // Entra's exact code for this case is unverified; 50027 is its generic invalid-assertion answer.
    return invalidClient(
      400,
      50027,
      'JWT token is invalid or malformed. [Reason - The audience does not match the token endpoint.]'
    )
  }
  return { appidacr: '2' }
}

async function checkFederatedAssertion(world: World, app: AppSpec, assertion: string): Promise<ClientAuth> {
  const decoded = decodeJwt(assertion)
  if (!decoded) return invalidClient(400, 50027, 'JWT token is invalid or malformed.')
  if (!(await hasValidSignature(assertion, world.githubKey.publicKey))) {
    return invalidClient(401, 50013, 'Assertion failed signature validation. [Reason - The key was not found.]')
  }
  const timeError = timeRangeError(world, decoded.payload)
  if (timeError) return { error: timeError }

  const iss = decoded.payload.iss ?? ''
  const sub = decoded.payload.sub ?? ''
  const audiences = [decoded.payload.aud ?? []].flat()
  const credentials = app.federatedCredentials ?? []
  const byIssuer = credentials.filter(c => c.issuer === iss)
  const bySubject = byIssuer.filter(c => c.subject === sub)
  if (bySubject.some(c => c.audiences.some(a => audiences.includes(a)))) return { appidacr: '2' }

  const legacy = world.scenario.entra.federatedErrors === 'legacy'
  const check = 'Check your federated identity credential Subject, Audience and Issuer against the presented assertion.'
  const fail = (code: number, message: string): ClientAuth => ({
    error: { status: 400, error: code === 70021 ? 'invalid_request' : 'invalid_client', code, message }
  })
  if (bySubject.length === 0 && byIssuer.some(c => c.subject.toLowerCase() === sub.toLowerCase())) {
    return fail(
      7002138,
      `No matching federated identity record found for presented assertion subject '${sub}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. ${check} See documentation at: ${WIF_DOCS}.`
    )
  }
  if (legacy) {
    return fail(
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${audiences.join(',')}'. ${WIF_DOCS}`
    )
  }
  if (byIssuer.length === 0) {
    return fail(
      700211,
      `No matching federated identity record found for presented assertion issuer '${iss}'. ${check} ${WIF_DOCS}`
    )
  }
  if (bySubject.length === 0) {
    return fail(
      700213,
      `No matching federated identity record found for presented assertion subject '${sub}'. ${check} ${WIF_DOCS}`
    )
  }
  return fail(
    700212,
    `No matching federated identity record found for presented assertion audience '${audiences.join(',')}'. ${check} ${WIF_DOCS}`
  )
}

/** The resource named by a client-credentials scope: `<resource>/.default` with only `/.default` removed. */
export function resourceFromScope(scope: string): string | undefined {
  const wanted = scope.split(/\s+/).filter(s => s !== '' && !OIDC_SCOPES.has(s))
  if (wanted.length !== 1) return undefined
  const only = wanted[0] ?? ''
  return only.endsWith('/.default') ? only.slice(0, -'/.default'.length) : undefined
}

async function token(req: EmuRequest, world: World, tenantPath: string, v1: boolean): Promise<EmuResponse> {
  const fail = (e: EntraError): EmuResponse => entraErrorResponse(req, world, e)
  const lookup = resolveTenant(world, tenantPath)
  if ('error' in lookup) return fail(lookup.error)
  const tenant = lookup.tenant
  const form = formBody(req)
  const grantType = form.get('grant_type')
  if (grantType !== 'client_credentials') {
    return fail({
      status: 400,
      error: 'unsupported_grant_type',
      code: 70003,
      message: `The app requested an unsupported grant type '${grantType ?? ''}'.`
    })
  }
  const clientId = form.get('client_id')
  if (!clientId) {
    return fail({
      status: 400,
      error: 'invalid_request',
      code: 900144,
      message: "The request body must contain the following parameter: 'client_id'."
    })
  }
  const app = world.scenario.apps.find(
    a => a.clientId.toLowerCase() === clientId.toLowerCase() && a.tenantId.toLowerCase() === tenant.id.toLowerCase()
  )
  if (!app) {
    return fail({
      status: 400,
      error: 'unauthorized_client',
      code: 700016,
      message: `Application with identifier '${clientId}' was not found in the directory '${tenantName(tenant)}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`
    })
  }

  const requested = v1 ? (form.get('resource') ?? undefined) : resourceFromScope(form.get('scope') ?? '')
  if (requested === undefined) {
    return fail({
      status: 400,
      error: 'invalid_scope',
      code: 1002012,
      message: `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`
    })
  }

  const secret = form.get('client_secret')
  const assertion = form.get('client_assertion')
  let auth: ClientAuth
  if (secret !== null) {
    auth = checkSecret(world, app, secret)
  } else if (assertion !== null && form.get('client_assertion_type') === ASSERTION_TYPE) {
    // Entra tells the two apart the same way: a certificate assertion is issued by the client itself.
    const payload = decodeJwt(assertion)?.payload
    auth =
      payload?.iss === app.clientId && payload.sub === app.clientId
        ? await checkCertificateAssertion(world, req, tenantPath, app, assertion)
        : await checkFederatedAssertion(world, app, assertion)
  } else {
    auth = invalidClient(
      401,
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
    )
  }
  if ('error' in auth) return fail(auth.error)

  if (!resourceExists(world, requested)) {
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

export async function handleEntra(req: EmuRequest, world: World): Promise<EmuResponse> {
  const segments = req.url.pathname
    .split('/')
    .filter(s => s !== '')
    .map(s => {
      try {
        return decodeURIComponent(s)
      } catch {
        return s
      }
    })
  const [tenantPath = '', ...rest] = segments
  const route = rest.join('/')

  if (req.method === 'GET' && tenantPath === 'common' && route === 'discovery/instance') return instanceDiscovery(req)
  if (req.method === 'GET' && (route === 'discovery/v2.0/keys' || route === 'discovery/keys')) {
    return jsonResponse(200, jwks([world.tenantKey]))
  }
  if (
    req.method === 'GET' &&
    (route === 'v2.0/.well-known/openid-configuration' || route === '.well-known/openid-configuration')
  ) {
    if (['common', 'organizations', 'consumers'].includes(tenantPath)) {
      return jsonResponse(200, openIdConfiguration(req.origin, tenantPath, '{tenantid}'))
    }
    const lookup = resolveTenant(world, tenantPath)
    if ('error' in lookup) return entraErrorResponse(req, world, lookup.error)
    return jsonResponse(200, openIdConfiguration(req.origin, tenantPath, lookup.tenant.id))
  }
  if (req.method === 'POST' && (route === 'oauth2/v2.0/token' || route === 'oauth2/token')) {
    if (['common', 'organizations', 'consumers'].includes(tenantPath)) {
      return entraErrorResponse(req, world, {
        status: 400,
        error: 'invalid_request',
        code: 50059,
        message: 'No tenant-identifying information found in either the request or implied by any provided credentials.'
      })
    }
    return token(req, world, tenantPath, route === 'oauth2/token')
  }
  return jsonResponse(404, {
    error: 'not_found',
    error_description: `No such endpoint: ${req.method} ${req.url.pathname}`
  })
}
