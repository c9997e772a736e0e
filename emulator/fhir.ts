// The FHIR service of Azure Health Data Services: anonymous metadata and health, authenticated search and read.
import { randomUUID } from 'node:crypto'
import { checkAccess, wwwAuthenticate } from './access.ts'
import { searchType } from './fhir-search.ts'
import type { EmuRequest, EmuResponse } from './http.ts'
import type { World } from './world.ts'

const FHIR_JSON = 'application/fhir+json; charset=utf-8'

function fhirResponse(status: number, value: unknown, headers: Record<string, string> = {}): EmuResponse {
  return {
    status,
    headers: { 'content-type': FHIR_JSON, 'x-request-id': randomUUID(), ...headers },
    body: JSON.stringify(value)
  }
}

export function operationOutcome(code: string, diagnostics: string, now: number): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    id: randomUUID(),
    meta: { lastUpdated: new Date(now).toISOString() },
    issue: [{ severity: 'error', code, diagnostics }]
  }
}

function capabilityStatement(req: EmuRequest, world: World): Record<string, unknown> {
  const tenant = world.scenario.tenants[0]?.id ?? 'common'
  const types = [...new Set(world.scenario.fhir.resources.map(r => String(r.resourceType)))]
  return {
    resourceType: 'CapabilityStatement',
    url: `${req.origin}/metadata`,
    version: '1.0.0',
    name: 'Microsoft FHIR Server',
    status: 'draft',
    experimental: true,
    date: new Date(world.now()).toISOString(),
    publisher: 'Microsoft',
    kind: 'capability',
    software: { name: 'Microsoft FHIR Server', version: '4.0.0' },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        security: {
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [
                { url: 'token', valueUri: `${world.authorityHost}/${tenant}/oauth2/v2.0/token` },
                { url: 'authorize', valueUri: `${world.authorityHost}/${tenant}/oauth2/v2.0/authorize` }
              ]
            }
          ],
          service: [
            { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] }
          ]
        },
        resource: types.map(type => ({ type, interaction: [{ code: 'read' }, { code: 'search-type' }] }))
      }
    ]
  }
}

/** The SMART configuration, anonymous like metadata. */
function smartConfiguration(world: World): EmuResponse {
  const tenant = world.scenario.tenants[0]?.id ?? 'common'
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({
      authorization_endpoint: `${world.authorityHost}/${tenant}/oauth2/v2.0/authorize`,
      token_endpoint: `${world.authorityHost}/${tenant}/oauth2/v2.0/token`,
      capabilities: [
        'launch-standalone',
        'client-public',
        'client-confidential-symmetric',
        'context-standalone-patient'
      ]
    })
  }
}

function healthCheck(world: World): EmuResponse {
  const status = world.scenario.fhir.health
  return {
    status: status === 'Unhealthy' ? 503 : 200,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({
      overallStatus: status,
      details: [
        {
          name: 'DataStoreHealthCheck',
          status,
          description:
            status === 'Unhealthy'
              ? 'Unable to connect to the data store.'
              : 'Successfully connected to the data store.'
        }
      ]
    })
  }
}

function search(req: EmuRequest, world: World, type: string): EmuResponse {
  const { status, body } = searchType(req, type, world.scenario.fhir.resources, world.now())
  return fhirResponse(status, body)
}

/** At most 10 distinct custom audit headers, each value at most 2048 characters (docs: use-custom-headers). */
const MAX_AUDIT_HEADERS = 10
const MAX_AUDIT_VALUE = 2048

function auditHeaderProblem(req: EmuRequest): string | undefined {
  const audit = Object.entries(req.headers).filter(([name]) => name.startsWith('x-ms-azurefhir-audit-'))
  if (audit.length > MAX_AUDIT_HEADERS) {
    return `The number of custom audit headers (${audit.length}) exceeds the limit of ${MAX_AUDIT_HEADERS}.`
  }
  const long = audit.find(([, value]) => [value ?? ''].flat().join(', ').length > MAX_AUDIT_VALUE)
  return long === undefined ? undefined : `The custom audit header '${long[0]}' exceeds ${MAX_AUDIT_VALUE} characters.`
}

export async function handleFhir(req: EmuRequest, world: World): Promise<EmuResponse> {
  const path = req.url.pathname.replace(/\/$/, '')
  const now = world.now()
  if (req.method === 'GET' && path === '/metadata') return fhirResponse(200, capabilityStatement(req, world))
  if (req.method === 'GET' && path === '/health/check') return healthCheck(world)
  if (req.method === 'GET' && path === '/.well-known/smart-configuration') return smartConfiguration(world)

  // The service's audience is its own URL, exactly: a trailing slash in a token's aud does not match.
  const audience = req.origin
  const access = await checkAccess(req, world, audience, 'fhir')
  if (access.outcome === 'unauthenticated') {
    return fhirResponse(401, operationOutcome('login', 'Authentication failed.', now), {
      'www-authenticate': wwwAuthenticate(world, audience, access.wrongAudience)
    })
  }
  if (access.outcome === 'forbidden')
    return fhirResponse(403, operationOutcome('forbidden', 'Authorization failed.', now))

  const tooManyAudit = auditHeaderProblem(req)
  if (tooManyAudit !== undefined) return fhirResponse(400, operationOutcome('invalid', tooManyAudit, now))

  const [type, id, ...rest] = path.split('/').filter(s => s !== '')
  if (req.method !== 'GET') {
    return fhirResponse(
      405,
      operationOutcome('not-supported', `The requested method ${req.method} is not supported by the emulator.`, now)
    )
  }
  if (type !== undefined && /^[A-Z][A-Za-z]+$/.test(type) && rest.length === 0) {
    if (id === undefined) return search(req, world, type)
    const found = world.scenario.fhir.resources.find(r => r.resourceType === type && r.id === id)
    if (found)
      return fhirResponse(200, found, {
        etag: `W/"${(found.meta as { versionId?: string } | undefined)?.versionId ?? '1'}"`
      })
    return fhirResponse(
      404,
      operationOutcome('not-found', `Resource type '${type}' with id '${id}' couldn't be found.`, now)
    )
  }
  return fhirResponse(404, operationOutcome('not-found', `The requested route was not found: ${path}`, now))
}
