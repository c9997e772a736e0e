// Access tokens as Entra ID issues them, whichever way the caller signed in: the Entra token endpoint (secret,
// certificate or federated assertion) and the managed-identity endpoint both mint them here, so the two agree.
import { randomUUID } from 'node:crypto'
import type { JWTPayload } from 'jose'
import { signJwt } from './jwt.ts'
import type { World } from './world.ts'

export interface AccessTokenSubject {
  readonly tenantId: string
  readonly clientId: string
  readonly objectId: string
  /** 0 public client, 1 secret, 2 certificate or federated assertion (as Entra reports it). */
  readonly appidacr: '0' | '1' | '2'
  readonly extraClaims?: JWTPayload
}

export interface IssuedAccessToken {
  readonly token: string
  /** Seconds from issue to expiry. */
  readonly expiresIn: number
  /** Expiry in seconds since the Unix epoch. */
  readonly expiresOn: number
}

/** A v1.0 access token as Entra issues for a client-credentials grant; `aud` is the resource exactly as asked. */
export async function issueAccessToken(
  world: World,
  resource: string,
  who: AccessTokenSubject
): Promise<IssuedAccessToken> {
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
