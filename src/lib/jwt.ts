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
