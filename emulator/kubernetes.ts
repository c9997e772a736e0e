// A Kubernetes cluster's service-account token issuer, as on AKS with Azure Workload Identity: the kubelet projects a
// signed token for the pod's service account into a file (AZURE_FEDERATED_TOKEN_FILE) and rotates it; Entra ID
// trusts it through a federated credential naming the cluster's issuer and `system:serviceaccount:NAMESPACE:NAME`.
import { randomUUID } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { signJwt } from './jwt.ts'
import type { World } from './world.ts'

export interface ServiceAccountTokenOptions {
  readonly namespace?: string
  readonly serviceAccount?: string
  readonly audience?: string
  /** exp - iat; negative values issue an already expired token. */
  readonly lifetimeSeconds?: number
}

/** The claims the kubelet puts in a projected service-account token. */
export function serviceAccountClaims(world: World, options: ServiceAccountTokenOptions = {}): JWTPayload {
  const spec = world.scenario.kubernetes
  const namespace = options.namespace ?? spec.namespace
  const name = options.serviceAccount ?? spec.serviceAccount
  const now = Math.floor(world.now() / 1000)
  return {
    aud: [options.audience ?? spec.audience],
    iss: spec.issuer,
    sub: `system:serviceaccount:${namespace}:${name}`,
    'kubernetes.io': {
      namespace,
      pod: { name: `${name}-runner-${randomUUID().slice(0, 5)}`, uid: randomUUID() },
      serviceaccount: { name, uid: randomUUID() }
    },
    jti: randomUUID(),
    nbf: now,
    iat: now,
    exp: now + (options.lifetimeSeconds ?? spec.lifetimeSeconds)
  }
}

export function mintServiceAccountToken(world: World, options: ServiceAccountTokenOptions = {}): Promise<string> {
  return signJwt(world.serviceAccountKey, serviceAccountClaims(world, options))
}
