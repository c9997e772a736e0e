// The token a sign-in hands over, and the claims read from it for outputs, logs and explanations.

import type { AccessToken } from '@azure/identity'
import { ActionError } from '../errors.js'
import { CONTROL_CHARACTERS, GUID, nonEmptyString } from '../lib/guards.js'
import { decodeJwtPayload, isJwtShaped } from '../lib/jwt.js'
import { oneLine } from '../lib/text.js'
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

/** The latest time a Date holds; beyond it toISOString() throws. */
const MAX_DATE_MS = 8.64e15

/** Least time a token must have left to be handed over: past or within a second is no expiry in the future. Short on
 *  purpose: a short-lived token is a choice of its issuer, not a fault. */
export const MIN_TOKEN_LIFETIME_MS = 1_000

/**
 * When the token expires: as the credential says, or else as the token's own `exp` claim says (a tool's answer can
 * carry an expiry the library could not read).
 */
function expiryOf(accessToken: AccessToken): Date | undefined {
  const exp = decodeJwtPayload(accessToken.token).exp
  const candidates = [accessToken.expiresOnTimestamp, typeof exp === 'number' ? exp * 1000 : Number.NaN]
  const ms = candidates.find(value => Number.isFinite(value) && value > 0 && value <= MAX_DATE_MS)
  return ms === undefined ? undefined : new Date(ms)
}

/**
 * The token to hand over, or an ActionError when later steps could not use it: no token, one that is not an access
 * token at all (a number, a word), or one without an expiry in the future. `from` names what answered.
 */
export function issuedToken(
  accessToken: AccessToken | null,
  about: { readonly resource: string; readonly signInMethod: AuthType; readonly from: string },
  now = Date.now()
): IssuedToken {
  const refuse = (what: string): ActionError =>
    new ActionError(
      'Sign-in returned an unusable token',
      [
        `${oneLine(about.from)} answered, but ${what}; nothing was handed to later steps.`,
        'Fix: check that authority-host (or the managed identity endpoint) is the real sign-in host of your cloud and ' +
          'that no proxy answers in its place; a tool that signs in (az, pwsh) may need updating or signing in again.'
      ].join('\n')
    )
  const token = accessToken?.token
  if (typeof token !== 'string' || token.trim() === '') throw refuse('with no access token')
  if (!isJwtShaped(token)) throw refuse('with an access token that is not a JWT (not what Microsoft Entra ID issues)')
  const expiresOn = expiryOf({ ...accessToken, token } as AccessToken)
  if (expiresOn === undefined) throw refuse('with a token without a valid expiry time')
  if (expiresOn.getTime() - now < MIN_TOKEN_LIFETIME_MS) {
    throw refuse(
      `with a token that expires ${expiresOn.toISOString()}, not in the future (within ${String(MIN_TOKEN_LIFETIME_MS / 1000)} s, or already expired)`
    )
  }
  return {
    token,
    expiresOn,
    resource: about.resource,
    claims: readTokenClaims(token),
    signInMethod: about.signInMethod
  }
}
