// JWT signing and checking for the emulated issuers (Entra tenant, GitHub OIDC). Keys come with a self-signed
// certificate so the JWKS carries `x5t` and `x5c` like Microsoft's.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import * as jose from 'jose'
import { createClientCertificate } from './ca.ts'

export interface SigningKey {
  readonly kid: string
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
  /** The public JWK as a JWKS publishes it. */
  readonly jwk: jose.JWK
}

export async function createSigningKey(name: string): Promise<SigningKey> {
  const cert = await createClientCertificate(name)
  const privateKey = createPrivateKey(cert.keyPem)
  const publicKey = createPublicKey(privateKey)
  const x5c = cert.certPem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '')
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: cert.x5t, x5t: cert.x5t, use: 'sig', x5c: [x5c] }
  return { kid: cert.x5t, privateKey, publicKey, jwk }
}

export function jwks(keys: readonly SigningKey[]): { keys: jose.JWK[] } {
  return { keys: keys.map(k => k.jwk) }
}

export async function signJwt(key: SigningKey, claims: jose.JWTPayload): Promise<string> {
  return new jose.SignJWT(claims)
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid })
    .sign(key.privateKey)
}

export interface DecodedJwt {
  readonly header: jose.ProtectedHeaderParameters
  readonly payload: jose.JWTPayload
}

/** Decodes without checking anything; undefined when the text is not a JWS compact JWT. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  try {
    return { header: jose.decodeProtectedHeader(token), payload: jose.decodeJwt(token) }
  } catch {
    return undefined
  }
}

const acceptedAlgorithms = ['RS256', 'PS256']

/** Checks only the signature (times and audience are the caller's business, each with its own error). */
export async function hasValidSignature(token: string, key: KeyObject): Promise<boolean> {
  try {
    await jose.compactVerify(token, key, { algorithms: acceptedAlgorithms })
    return true
  } catch {
    return false
  }
}
