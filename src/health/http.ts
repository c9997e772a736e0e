// The transport of the health checks: one GET at a time, redirects followed only on the service's own https origin,
// with the origin checked right before every request, so the token never goes anywhere else.

import { HttpClient } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'
import type { IncomingMessage } from 'node:http'
import type { AgentFor } from '../lib/early-connections.js'
import { formatSeconds } from '../lib/durations.js'
import { isRecord, parseUrl } from '../lib/guards.js'
import type { Target, TargetKind } from '../target/read.js'
import { serviceOf } from '../target/services/registry.js'
import type { HealthCheckSpec } from './read.js'

export type ResponseHeaders = Readonly<Record<string, string | readonly string[] | undefined>>

/** How a request ended without an answer: a reset or a timeout may pass on a retry, a refused connection may not. */
export type NoAnswer = 'timeout' | 'reset' | 'connection'

/**
 * An answer: `body` only for a 4xx/5xx (up to MAX_BODY_BYTES, for its diagnostics); a 1xx/2xx/3xx body is never read,
 * since it may hold patient data. `bodyLength`: the body's size in bytes as far as known.
 */
export type SendResult =
  | {
      readonly status: number
      readonly headers: ResponseHeaders
      readonly body: string
      readonly bodyLength?: number
    }
  | { readonly failure: NoAnswer; readonly message: string }

/** One GET, no redirects followed, ended after `timeoutMs` at the latest. */
export type Send = (url: string, headers: Readonly<Record<string, string>>, timeoutMs: number) => Promise<SendResult>

/** Same-origin redirect hops followed (a service moving `/metadata/` to `/metadata`); other origins are never followed. */
export const MAX_REDIRECTS = 5

/** Enough of a failed answer's body to quote its diagnostics; the rest is not read. */
const MAX_BODY_BYTES = 16 * 1024

const REDIRECT_STATUSES: readonly number[] = [301, 302, 303, 307, 308]

const USER_AGENT = 'azure-health-data-services-token'

export function acceptHeader(kind: TargetKind): string {
  return kind === 'resource' ? 'application/json' : serviceOf(kind).accept
}

/** The https origin the token may be sent to, or undefined when the target has no usable service URL. */
export function serviceOrigin(target: Target): string | undefined {
  if (target.serviceUrl === undefined) return undefined
  const url = parseUrl(target.serviceUrl)
  return url?.protocol === 'https:' ? url.origin : undefined
}

/** True only for an https URL on exactly the service's origin (scheme, host and port). */
export function isServiceUrl(url: string, origin: string | undefined): boolean {
  const parsed = parseUrl(url)
  return origin !== undefined && parsed?.protocol === 'https:' && parsed.origin === origin
}

/** What one attempt (with any same-origin redirects) ended in. */
export interface Attempt {
  readonly status?: number
  readonly headers?: ResponseHeaders
  readonly body?: string
  readonly bodyLength?: number
  /** Why no usable answer came; `redirect` and `refused` are never retried. */
  readonly failure?: NoAnswer | 'redirect' | 'refused'
  readonly message?: string
}

/** One GET, following redirects only on the service's origin; the origin is checked before every request. */
export async function attemptOnce(
  spec: HealthCheckSpec,
  origin: string | undefined,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  send: Send
): Promise<Attempt> {
  let url = spec.url
  for (let hop = 0; ; hop++) {
    if (!isServiceUrl(url, origin)) {
      return {
        failure: 'refused',
        message:
          `not sent: ${url} is not on the service's https origin (${origin ?? 'none'}); ` +
          'the token is sent to the service only'
      }
    }
    const result = await send(url, headers, timeoutMs)
    if ('failure' in result) return { failure: result.failure, message: result.message }
    const { status } = result
    if (!REDIRECT_STATUSES.includes(status) || spec.expected.includes(status)) return result
    const location = firstHeader(result.headers, 'location')
    const next = location === undefined ? undefined : parseUrl(location, url)
    if (next === undefined) {
      return { ...result, failure: 'redirect', message: `redirected (${status}) without a usable Location` }
    }
    if (!isServiceUrl(next.href, origin)) {
      return {
        ...result,
        failure: 'redirect',
        message:
          `redirected (${status}) to another origin, ${next.protocol === 'https:' ? next.origin : next.protocol + '//' + next.host}; ` +
          `not followed: the token is sent to ${origin ?? 'the service'} only`
      }
    }
    if (hop >= MAX_REDIRECTS) {
      return { ...result, failure: 'redirect', message: `more than ${MAX_REDIRECTS} redirects; stopped` }
    }
    url = next.href
  }
}

/** The default transport: @actions/http-client with redirects and retries off (this module does both). */
export const httpSend: Send = httpSender()

/**
 * The transport, with the agent of an origin connected to early, handed in through the client's own seam (a request
 * handler, which sees each request's options after the client chose its agent).
 */
export function httpSender(agentFor?: AgentFor): Send {
  return (url, headers, timeoutMs) => {
    const agent = agentFor?.(url)
    const handlers = agent === undefined ? [] : [useAgent(agent)]
    return sendOnce(url, headers, timeoutMs, handlers)
  }
}

function useAgent(agent: NonNullable<ReturnType<AgentFor>>): RequestHandler {
  return {
    prepareRequest(options) {
      options.agent = agent
    },
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('not an authentication handler'))
  }
}

async function sendOnce(
  url: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  handlers: RequestHandler[]
): Promise<SendResult> {
  const client = new HttpClient(USER_AGENT, handlers, {
    allowRedirects: false,
    allowRetries: false,
    keepAlive: false,
    socketTimeout: timeoutMs
  })
  let timer: NodeJS.Timeout | undefined
  // The socket timeout covers silence only; this one also ends an answer that trickles in forever.
  const overall = new Promise<SendResult>(resolve => {
    timer = setTimeout(() => {
      resolve({ failure: 'timeout', message: `no answer within ${formatSeconds(timeoutMs)}` })
    }, timeoutMs)
  })
  const exchange = async (): Promise<SendResult> => {
    try {
      const response = await client.get(url, { ...headers })
      const status = response.message.statusCode ?? 0
      const declared = Number(response.message.headers['content-length'])
      if (status < 400) {
        // Not read at all: a successful answer's body may hold patient data, and nothing here needs it.
        response.message.destroy()
        return { status, headers: response.message.headers, body: '' }
      }
      const { text, bytes } = await readLimited(response.message, MAX_BODY_BYTES)
      const bodyLength = Number.isSafeInteger(declared) && declared >= bytes ? declared : bytes
      return { status, headers: response.message.headers, body: text, bodyLength }
    } catch (error) {
      return noAnswer(error, timeoutMs)
    }
  }
  try {
    return await Promise.race([exchange(), overall])
  } finally {
    clearTimeout(timer)
    // Destroys the agent's sockets, so a request that lost the race does not linger.
    client.dispose()
  }
}

function noAnswer(error: unknown, timeoutMs: number): SendResult {
  const code = isRecord(error) && typeof error.code === 'string' ? error.code : undefined
  const message = error instanceof Error ? error.message : String(error)
  if (code === 'ETIMEDOUT' || message.startsWith('Request timeout')) {
    return { failure: 'timeout', message: `no answer within ${formatSeconds(timeoutMs)}` }
  }
  const described = code && !message.includes(code) ? `${code}: ${message}` : message
  if (code === 'ECONNRESET' || code === 'EPIPE') return { failure: 'reset', message: described }
  return { failure: 'connection', message: described }
}

function readLimited(message: IncomingMessage, limit: number): Promise<{ text: string; bytes: number }> {
  return new Promise(resolve => {
    const chunks: Buffer[] = []
    let size = 0
    const done = (): void => {
      resolve({ text: Buffer.concat(chunks).subarray(0, limit).toString('utf8'), bytes: size })
    }
    message.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      size += chunk.length
      if (size >= limit) {
        message.destroy()
        done()
      }
    })
    message.on('end', done)
    message.on('close', done)
    message.on('error', done)
  })
}

export function firstHeader(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1]
  return typeof value === 'string' ? value : value?.[0]
}
