// GitLab's `id_tokens`: the job gets a signed JWT in a variable (no endpoint to ask); Entra ID trusts it through a
// federated credential naming the instance and `project_path:<group>/<project>:ref_type:<type>:ref:<name>`.
import { randomUUID } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { signJwt } from './jwt.ts'
import { FEDERATED_AUDIENCE } from './scenario.ts'
import type { World } from './world.ts'

export interface GitLabIdTokenOptions {
  /** The `aud` the job's `id_tokens` entry names; default api://AzureADTokenExchange. */
  readonly audience?: string
  readonly projectPath?: string
  readonly ref?: string
  readonly refType?: 'branch' | 'tag'
  /** exp - iat; negative values issue an already expired token. */
  readonly lifetimeSeconds?: number
}

/** The claims of a GitLab CI id_token. */
export function gitlabClaims(world: World, options: GitLabIdTokenOptions = {}): JWTPayload {
  const spec = world.scenario.gitlab
  const projectPath = options.projectPath ?? spec.projectPath
  const ref = options.ref ?? spec.ref
  const refType = options.refType ?? spec.refType
  const now = Math.floor(world.now() / 1000)
  return {
    namespace_path: projectPath.slice(0, Math.max(0, projectPath.lastIndexOf('/'))),
    project_path: projectPath,
    ref,
    ref_type: refType,
    ref_protected: 'true',
    pipeline_source: 'push',
    jti: randomUUID(),
    iss: spec.issuer,
    sub: `project_path:${projectPath}:ref_type:${refType}:ref:${ref}`,
    aud: options.audience ?? FEDERATED_AUDIENCE,
    nbf: now,
    iat: now,
    exp: now + (options.lifetimeSeconds ?? spec.lifetimeSeconds)
  }
}

export function mintGitLabIdToken(world: World, options: GitLabIdTokenOptions = {}): Promise<string> {
  return signJwt(world.gitlabKey, gitlabClaims(world, options))
}
