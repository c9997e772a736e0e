// Azure Pipelines' OIDC endpoint (System.OidcRequestUri): a job holding System.AccessToken asks it for a token naming
// a service connection, and Entra ID trusts that token through the connection's federated credential.
import { randomUUID } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { bearerToken, type EmuRequest, type EmuResponse, jsonResponse } from './http.ts'
import { jwks, signJwt } from './jwt.ts'
import { type AzurePipelinesSpec, azurePipelinesIssuer, FEDERATED_AUDIENCE } from './scenario.ts'
import type { World } from './world.ts'

/** The api-versions the endpoint serves (@azure/identity asks 7.1). */
const API_VERSIONS = new Set(['7.1', '7.1-preview.1'])

/** Path of the job's OIDC request URI, like an agent's: the plan and job are fixed, the organization and project are
 *  the scenario's. */
export function oidcTokenPath(spec: AzurePipelinesSpec): string {
  return (
    `/${spec.organization}/${spec.projectId}/_apis/distributedtask/hubs/build/plans/` +
    '2f6a9d3c-8e1b-4c7a-b5d2-6e9f0a3c7b18/jobs/9b3e7c1a-4d8f-4e2b-a6c9-1f5d8b2e4a70/oidctoken'
  )
}

/** The claims of a pipeline OIDC token for one service connection. */
export function azurePipelinesClaims(world: World, connectionName: string): JWTPayload {
  const spec = world.scenario.azurePipelines
  const now = Math.floor(world.now() / 1000)
  return {
    jti: randomUUID(),
    sub: `sc://${spec.organization}/${spec.project}/${connectionName}`,
    aud: FEDERATED_AUDIENCE,
    iss: azurePipelinesIssuer(spec),
    nbf: now,
    iat: now,
    exp: now + spec.lifetimeSeconds
  }
}

/** An error in Azure DevOps' shape. Of the messages, only TF400813's is known; the others are plausible stand-ins. */
function devOpsError(status: number, typeName: string, message: string): EmuResponse {
  const namespace = typeName.slice(0, typeName.lastIndexOf('.'))
  const assembly = namespace === 'System' ? 'mscorlib' : namespace
  const typeKey = typeName.slice(namespace.length + 1)
  return jsonResponse(status, {
    $id: '1',
    innerException: null,
    message,
    typeName: `${typeName}, ${assembly}`,
    typeKey,
    errorCode: 0,
    eventId: 3000
  })
}

/** The issuer's discovery document under `/<organizationId>/` as on vstoken.dev.azure.com, and its keys (at a path
 *  of the emulator's choosing: clients follow `jwks_uri`). */
function issuerMetadata(req: EmuRequest, world: World): EmuResponse | undefined {
  const spec = world.scenario.azurePipelines
  const base = `/${spec.organizationId}/.well-known`
  if (req.method !== 'GET') return undefined
  if (req.url.pathname === `${base}/openid-configuration`) {
    return jsonResponse(200, {
      issuer: azurePipelinesIssuer(spec),
      jwks_uri: `${req.origin}${base}/jwks`,
      subject_types_supported: ['public'],
      response_types_supported: ['id_token'],
      claims_supported: ['sub', 'aud', 'exp', 'iat', 'iss', 'nbf', 'jti'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid']
    })
  }
  if (req.url.pathname === `${base}/jwks`) return jsonResponse(200, jwks([world.azureDevOpsKey]))
  return undefined
}

export async function handleAzureDevOps(req: EmuRequest, world: World): Promise<EmuResponse> {
  const metadata = issuerMetadata(req, world)
  if (metadata) return metadata
  const spec = world.scenario.azurePipelines
  if (req.method !== 'POST' || req.url.pathname !== oidcTokenPath(spec)) {
    return devOpsError(404, 'Microsoft.VisualStudio.Services.WebApi.VssResourceNotFoundException', 'Not found.')
  }
  if (bearerToken(req) !== spec.accessToken) {
    return devOpsError(
      401,
      'Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException',
      "TF400813: The user '' is not authorized to access this resource."
    )
  }
  const version = req.url.searchParams.get('api-version')
  if (version === null) {
    return devOpsError(
      400,
      'Microsoft.VisualStudio.Services.WebApi.VssVersionNotSpecifiedException',
      'No api-version was supplied for the "POST" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").'
    )
  }
  if (!API_VERSIONS.has(version)) {
    return devOpsError(
      400,
      'Microsoft.VisualStudio.Services.WebApi.VssInvalidApiVersionException',
      `The following api-version is not supported by this resource: '${version}'.`
    )
  }
  const connectionId = req.url.searchParams.get('serviceConnectionId')
  if (connectionId === null || connectionId === '') {
    return devOpsError(
      400,
      'System.ArgumentNullException',
      'Value cannot be null.\r\nParameter name: serviceConnectionId'
    )
  }
  const connection = spec.serviceConnections.find(c => c.id.toLowerCase() === connectionId.toLowerCase())
  if (!connection) {
    return devOpsError(
      404,
      'Microsoft.VisualStudio.Services.ServiceEndpoints.WebApi.ServiceEndpointNotFoundException',
      `Service connection with ID '${connectionId}' was not found or is not authorized for this pipeline.`
    )
  }
  // Every request mints a fresh token: a long job renews by asking again.
  return jsonResponse(200, {
    oidcToken: await signJwt(world.azureDevOpsKey, azurePipelinesClaims(world, connection.name))
  })
}

/** What a pipeline needs to reach the endpoint, for the scenario in effect. */
export interface AzurePipelinesInfo {
  /** System.OidcRequestUri. */
  readonly oidcRequestUri: string
  /** System.AccessToken. */
  readonly accessToken: string
  /** The first service connection's ID. */
  readonly serviceConnectionId: string
  readonly issuer: string
}

export function azurePipelinesInfo(url: string, spec: AzurePipelinesSpec): AzurePipelinesInfo {
  return {
    oidcRequestUri: `${url}${oidcTokenPath(spec)}`,
    accessToken: spec.accessToken,
    serviceConnectionId: spec.serviceConnections[0]?.id ?? '',
    issuer: azurePipelinesIssuer(spec)
  }
}

/** The predefined variables a script step on an agent has. Not SYSTEM_ACCESSTOKEN: a pipeline maps it explicitly. */
export function azurePipelinesEnv(url: string, spec: AzurePipelinesSpec): Record<string, string> {
  return {
    TF_BUILD: 'True',
    SYSTEM_OIDCREQUESTURI: `${url}${oidcTokenPath(spec)}`,
    SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: `${url}/${spec.organization}/`,
    SYSTEM_TEAMPROJECT: spec.project,
    SYSTEM_TEAMPROJECTID: spec.projectId
  }
}
