// Raw HTTPS calls against the emulator, trusting its CA explicitly, so the emulator's own tests see exactly what a
// client receives.
import { request as httpsRequest } from 'node:https'
import type { IncomingHttpHeaders } from 'node:http'
import type { Emulator } from '../../emulator/index.ts'

export interface RawResponse {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

export interface RawOptions {
  readonly method?: string
  readonly headers?: Record<string, string>
  readonly body?: string
  /** Connect to this address instead of the URL's host (hosts mode), keeping the URL's name for SNI and Host. */
  readonly connectTo?: { readonly address: string; readonly port: number }
  readonly timeoutMs?: number
}

export function call(emulator: Emulator, url: string, options: RawOptions = {}): Promise<RawResponse> {
  const target = new URL(url)
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: options.connectTo?.address ?? target.hostname,
        port: options.connectTo?.port ?? target.port,
        servername: target.hostname,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers: { host: target.host, ...options.headers },
        ca: emulator.caCertPem,
        timeout: options.timeoutMs ?? 10_000
      },
      res => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })
        )
        res.on('error', reject)
      }
    )
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end(options.body)
  })
}

export function postForm(
  emulator: Emulator,
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {}
): Promise<RawResponse> {
  return call(emulator, url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString()
  })
}

export function tokenUrl(emulator: Emulator, tenant: string): string {
  return `${emulator.authorityHost}/${tenant}/oauth2/v2.0/token`
}

export interface EntraErrorBody {
  error: string
  error_description: string
  error_codes: number[]
  timestamp: string
  trace_id: string
  correlation_id: string
  error_uri: string
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the expected shape
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T
}
