// The token a sign-in hands over, and the claims read from it for outputs, logs and explanations.

import { CONTROL_CHARACTERS, GUID, nonEmptyString } from '../lib/guards.js'
import { decodeJwtPayload } from '../lib/jwt.js'
import type { AuthType } from './registry.js'

/** Non-secret claims read from the access token. */
export interface TokenClaims {
  readonly aud?: string
  readonly iss?: string
  readonly oid?: string
  readonly appId?: string
  readonly tenantId?: string
}

export interface IssuedToken {
  readonly token: string
  readonly expiresOn: Date
  readonly resource: string
  readonly claims: TokenClaims
  readonly signInMethod: AuthType
}

/**
 * The non-secret claims of an access token (v1 tokens name the client `appid`, v2 tokens `azp`). They reach the log,
 * the outputs and the job summary, so a claim unlike what Microsoft Entra ID issues (a GUID for the IDs, one printable
 * line for the audience and issuer) is left out: a hostile sign-in host must not start a workflow command through one.
 */
export function readTokenClaims(jwt: string): TokenClaims {
  const payload = decodeJwtPayload(jwt)
  const aud = Array.isArray(payload.aud) ? (payload.aud as unknown[])[0] : payload.aud
  const claims = {
    aud: lineClaim(aud),
    iss: lineClaim(payload.iss),
    oid: guidClaim(payload.oid),
    appId: guidClaim(payload.appid) ?? guidClaim(payload.azp),
    tenantId: guidClaim(payload.tid)
  }
  // Only the claims present, so consumers can tell "absent" by the key.
  return Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined))
}

function guidClaim(value: unknown): string | undefined {
  const text = nonEmptyString(value)
  return text !== undefined && GUID.test(text) ? text : undefined
}

/** Longest audience or issuer shown: far beyond any real URL, short of a flood. */
const MAX_CLAIM_LENGTH = 2048

function lineClaim(value: unknown): string | undefined {
  const text = nonEmptyString(value)
  return text !== undefined && text.length <= MAX_CLAIM_LENGTH && !CONTROL_CHARACTERS.test(text) ? text : undefined
}
