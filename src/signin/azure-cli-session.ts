// What the Azure CLI's own session store says about how it was signed in: `az login --federated-token` (what
// azure/login does with client-id and tenant-id) keeps the GitHub OIDC token as the service principal's
// `client_assertion` and can never renew it. Read only to explain a failure; nothing of the file is ever shown.

import { homedir } from 'node:os'
import { join } from 'node:path'
import { isRecord } from '../lib/guards.js'
import { decodeJwtPayload } from '../lib/jwt.js'
import { readRegularFileAtMostSync } from '../lib/read-file.js'

/** Far beyond a store of a few service principals. */
const MAX_STORE_BYTES = 1024 * 1024

/**
 * When the newest federated token the CLI signed in with expired (ms since the epoch), if the CLI's session store
 * (unencrypted, as on Linux and macOS) holds one and it has expired; undefined otherwise.
 */
export function expiredFederatedCliLogin(
  env: Readonly<Record<string, string | undefined>>,
  now: number
): number | undefined {
  const dir = env.AZURE_CONFIG_DIR || join(env.HOME || homedir(), '.azure')
  let entries: unknown
  // Bounded: a FIFO or a device in its place would otherwise hold, or fill, the step while it explains a failure.
  const read = readRegularFileAtMostSync(join(dir, 'service_principal_entries.json'), MAX_STORE_BYTES)
  if (!('text' in read)) return undefined
  try {
    entries = JSON.parse(read.text)
  } catch {
    return undefined
  }
  if (!Array.isArray(entries)) return undefined
  const expiries = entries.flatMap(entry => {
    if (!isRecord(entry) || typeof entry.client_assertion !== 'string') return []
    const exp = decodeJwtPayload(entry.client_assertion).exp
    return typeof exp === 'number' ? [exp * 1000] : []
  })
  if (expiries.length === 0) return undefined
  const newest = Math.max(...expiries)
  return newest <= now ? newest : undefined
}
