// Reading a JWT's payload without verifying it: the token's recipient verifies it; the action only shows claims.

import { isRecord } from './guards.js'

/** The payload of a JWT, or {} when it cannot be read. */
export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  try {
    const payload = jwt.split('.')[1] ?? ''
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
    return isRecord(parsed) ? parsed : {}
  } catch {
    return {}
  }
}

/** A JWT (header.payload.signature, its payload a JSON object) or an encrypted one (five parts), by its shape only. */
export function isJwtShaped(token: string): boolean {
  const parts = token.split('.')
  if (!parts.every(part => /^[A-Za-z0-9_-]*$/.test(part))) return false
  if (parts.length === 5) return true
  return parts.length === 3 && Object.keys(decodeJwtPayload(token)).length > 0
}
