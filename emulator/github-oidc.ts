// The GitHub Actions OIDC token service: the endpoint behind ACTIONS_ID_TOKEN_REQUEST_URL, plus the issuer's
// discovery document and keys.
import { randomUUID } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { type EmuRequest, type EmuResponse, bearerToken, jsonResponse } from './http.ts'
import { jwks, signJwt } from './jwt.ts'
import type { World } from './world.ts'

/** Path of the token request, like the runner's (the query already holds api-version, so callers append `&audience=`). */
export const OIDC_REQUEST_PATH =
  '/_apis/distributedtask/hubs/build/plans/4b9d6e2a-1c3f-4e5a-8b7d-9f0e1a2b3c4d/jobs/6c8e0a2b-4d6f-4a8c-9e1b-3d5f7a9c1e2b/idtoken'
export const OIDC_REQUEST_QUERY = '?api-version=2.0'

/** The claims of a GitHub OIDC token for the scenario and the requested audience. */
export function githubClaims(world: World, audience: string | null): JWTPayload {
  const { claims, issuer, lifetimeSeconds } = world.scenario.github
  const now = Math.floor(world.now() / 1000)
  const kept = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined && v !== null))
  const owner = typeof claims.repository_owner === 'string' ? claims.repository_owner : 'contoso'
  return {
    jti: randomUUID(),
    ...kept,
    // Without an audience GitHub uses the owner's URL.
    aud: audience ?? `https://github.com/${owner}`,
    iss: issuer,
    nbf: now,
    iat: now,
    exp: now + lifetimeSeconds
  }
}

export async function mintGithubToken(world: World, audience: string | null): Promise<string> {
  return signJwt(world.githubKey, githubClaims(world, audience))
}

export async function handleGithub(req: EmuRequest, world: World): Promise<EmuResponse> {
  const path = req.url.pathname
  const issuer = world.scenario.github.issuer
  if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
    return jsonResponse(200, {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks`,
      subject_types_supported: ['public', 'pairwise'],
      response_types_supported: ['id_token'],
      claims_supported: [
        'sub',
        'aud',
        'exp',
        'iat',
        'iss',
        'jti',
        'nbf',
        'ref',
        'repository',
        'repository_id',
        'repository_owner',
        'repository_owner_id',
        'run_id',
        'run_number',
        'run_attempt',
        'actor',
        'actor_id',
        'workflow',
        'workflow_ref',
        'workflow_sha',
        'head_ref',
        'base_ref',
        'event_name',
        'ref_type',
        'environment',
        'environment_node_id',
        'job_workflow_ref',
        'job_workflow_sha',
        'repository_visibility',
        'runner_environment'
      ],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid']
    })
  }
  if (req.method === 'GET' && path === '/.well-known/jwks') return jsonResponse(200, jwks([world.githubKey]))
  if (req.method === 'GET' && path === OIDC_REQUEST_PATH) {
    if (bearerToken(req) !== world.scenario.github.requestToken) {
      return jsonResponse(401, { message: 'Unauthorized: the request token is missing or invalid.' })
    }
    const value = await mintGithubToken(world, req.url.searchParams.get('audience'))
    return jsonResponse(200, { count: 1, value })
  }
  return jsonResponse(404, { message: 'Not Found' })
}
