// Microsoft Entra ID's error shape (AADSTS codes, trace and correlation IDs, its timestamp formats) and the headers
// it sends with every token-endpoint answer, success or failure.
import { randomUUID } from 'node:crypto'
import { type EmuRequest, type EmuResponse, header, jsonResponse } from '../http.ts'
import type { World } from '../world.ts'

export interface EntraError {
  readonly status: number
  readonly error: string
  readonly code: number
  readonly message: string
}

/** Entra's timestamp format in error bodies: `2024-05-01 10:00:00Z`. */
function entraTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z')
}

/** Entra's format for a JWT time in its assertion errors: seven fractional digits, `2024-05-01T10:00:00.0000000Z`. */
export function assertionTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z')
}

/** An error in Microsoft's shape; the correlation ID echoes the client's `client-request-id` like Entra does. */
export function entraErrorResponse(req: EmuRequest, world: World, e: EntraError): EmuResponse {
  const traceId = randomUUID()
  const correlationId = header(req, 'client-request-id') ?? randomUUID()
  const timestamp = entraTimestamp(world.now())
  return jsonResponse(
    e.status,
    {
      error: e.error,
      error_description: `AADSTS${e.code}: ${e.message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [e.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${req.origin}/error?code=${e.code}`
    },
    entraHeaders(req, traceId, correlationId)
  )
}

export function entraHeaders(req: EmuRequest, traceId: string, correlationId: string): Record<string, string> {
  return {
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'x-ms-request-id': traceId,
    'x-ms-ests-server': '2.1.emulator',
    'client-request-id': header(req, 'client-request-id') ?? correlationId
  }
}
