// The shapes every emulated party handles: a buffered request in, a response out. Handlers stay free of sockets so
// that faults, logging and routing live in one place (server.ts).
import type { IncomingHttpHeaders } from 'node:http'

export interface EmuRequest {
  readonly method: string
  /** scheme://host[:port] as the client addressed it (from the Host header). */
  readonly origin: string
  /** Path with the query, as sent. */
  readonly path: string
  readonly url: URL
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

export interface EmuResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): EmuResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value)
  }
}

export function textResponse(status: number, text: string, headers: Record<string, string> = {}): EmuResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: text }
}

export function header(req: EmuRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/** The bearer token of the Authorization header, if the scheme is Bearer. */
export function bearerToken(req: EmuRequest): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header(req, 'authorization') ?? '')
  return match?.[1]
}

export function formBody(req: EmuRequest): URLSearchParams {
  return new URLSearchParams(req.body)
}
