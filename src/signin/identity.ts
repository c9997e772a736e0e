// The identity library, loaded on first use (methods import it dynamically): bad input fails before it loads. One
// module, so the bundle keeps it in one chunk that every method shares.
import { format } from 'node:util'
import { AzureLogger } from '@azure/logger'
import { sanitizeServerText } from '../lib/text.js'

export * from '@azure/identity'
export { createDefaultHttpClient } from '@azure/core-rest-pipeline'

/** Longest library log line shown: a line per event, never a dump of a socket or a request. */
const MAX_LOG_LINE = 2000

/**
 * With AZURE_LOG_LEVEL set, the library logs what it does (the proxy URL with its password, server answers, TLS
 * options). Its lines go to stderr as they would, but made safe first: the secrets and any token or key removed, no
 * workflow command left, one bounded line each.
 */
export function redactLibraryLog(secrets: readonly string[]): void {
  AzureLogger.log = (...args: unknown[]) => {
    process.stderr.write(`${sanitizeServerText(format(...args), secrets, MAX_LOG_LINE)}\n`)
  }
}
