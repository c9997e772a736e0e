import type { AccessToken, TokenCredential } from '@azure/identity'
import type { AuthType, Config } from './config.js'
import { withDeadline } from './deadline.js'
import { ActionError } from './errors.js'
import { explainSignInFailure, signInEndpoint } from './explanations.js'
import { CONTROL_CHARACTERS, GUID, isRecord, nonEmptyString } from './values.js'

/** Non-secret claims read from the access token, for outputs, logs and explanations. */
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

/** The payload of a JWT, decoded without verification (the token's recipient verifies it; we only read it). */
export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  try {
    const payload = jwt.split('.')[1] ?? ''
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    return isRecord(parsed) ? parsed : {}
  } catch {
    return {}
  }
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

/** The whole sign-in's time limit: a backstop above the per-request limits the credential applies itself. */
const DEFAULT_SIGN_IN_TIMEOUT_MS = 60_000

/** Asks the credential for a token for the configured resource and reads what the outputs need from it. */
export async function getAccessToken(
  credential: TokenCredential,
  config: Config,
  options: { timeoutMs?: number } = {}
): Promise<IssuedToken> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS
  const resource = config.target.resource
  const context = { signIn: config.signIn, resource, authorityHost: config.authorityHost, secrets: config.secrets }
  const abort = new AbortController()
  let accessToken: AccessToken | null
  try {
    accessToken = await withDeadline(
      credential.getToken(`${resource}/.default`, { abortSignal: abort.signal }),
      timeoutMs,
      signInEndpoint(config.signIn, config.authorityHost, process.env)
    )
  } catch (error) {
    abort.abort()
    if (error instanceof ActionError) throw error
    throw explainSignInFailure(error, context)
  }
  if (!accessToken?.token) {
    throw explainSignInFailure(new Error('The sign-in returned no access token.'), context)
  }
  const expiresOn = expiryOf(accessToken)
  if (expiresOn === undefined) {
    throw explainSignInFailure(new Error('The sign-in returned a token without a valid expiry time.'), context)
  }
  return {
    token: accessToken.token,
    expiresOn,
    resource,
    claims: readTokenClaims(accessToken.token),
    signInMethod: config.signIn.type
  }
}

/** The latest time a Date holds; beyond it toISOString() throws. */
const MAX_DATE_MS = 8.64e15

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
