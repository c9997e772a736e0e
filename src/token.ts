import type { AuthType } from './config.js'

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
