// The token server's HTTP side: 127.0.0.1 only, a bounded number of connections and bytes per request, each request
// decided by protocol.ts, tokens from the sign-in's credential (one renewal per resource at a time), and every answer,
// renewal, failure and refusal counted. Logs what it does, never a token or the header.

import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ActionError } from '../errors.js'
import type { IssuedToken } from '../signin/issued-token.js'
import { type Served, decide, errorAnswer, renewalFailureStatus, tokenAnswer } from './protocol.js'
import { type ServeReport, countAnswer, countFailure, countRefusal } from './report.js'

export interface TokenSource {
  /** A token for an allowed resource; a failure is an ActionError with the step's explanation. */
  getToken(resource: string): Promise<IssuedToken>
}

export interface ServerLimits {
  /** Open connections at once; more are closed as they arrive. */
  readonly maxConnections: number
  /** Bytes of request line and headers. */
  readonly maxHeaderBytes: number
  /** Time to send the headers, and the whole request. */
  readonly headersTimeoutMs: number
  readonly requestTimeoutMs: number
  /** An idle kept-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number
}

export const SERVER_LIMITS: ServerLimits = {
  maxConnections: 16,
  maxHeaderBytes: 8192,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 70_000,
  keepAliveTimeoutMs: 2_000
}

export interface TokenServerOptions {
  /** Without the port: the Host values are known once it listens. */
  readonly served: Omit<Served, 'hosts'>
  readonly source: TokenSource
  readonly report: ServeReport
  /** Called after every request, so the report on disk stays current. */
  readonly changed: () => void
  readonly log: (line: string) => void
  readonly limits?: ServerLimits
}

export interface TokenServer {
  readonly port: number
  close(): Promise<void>
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const limits = options.limits ?? SERVER_LIMITS
  let served: Served = { ...options.served, hosts: [] }
  const lastToken = new Map<string, string>()
  const renewing = new Map<string, Promise<IssuedToken>>()

  const tokenFor = (resource: string): Promise<IssuedToken> => {
    let pending = renewing.get(resource)
    if (pending === undefined) {
      pending = options.source.getToken(resource).finally(() => renewing.delete(resource))
      renewing.set(resource, pending)
    }
    return pending
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const decision = decide(
      {
        method: req.method ?? '',
        url: req.url ?? '',
        host: req.headers.host,
        identityHeader: req.headers['x-identity-header'],
        contentLength: req.headers['content-length'],
        transferEncoding: req.headers['transfer-encoding']
      },
      served
    )
    if (decision.kind === 'refuse') {
      countRefusal(options.report, decision.status)
      options.log(`refused a request: ${decision.status} ${decision.message}`)
      send(
        res,
        decision.status,
        errorAnswer(decision.status, decision.error, decision.message),
        decision.status === 405
      )
      return
    }
    const { resource } = decision
    try {
      const token = await tokenFor(resource)
      const renewed = lastToken.get(resource) !== token.token
      if (renewed) {
        lastToken.set(resource, token.token)
        options.log(`new token for ${resource}, expires ${token.expiresOn.toISOString()}`)
      }
      countAnswer(options.report, resource, renewed)
      send(res, 200, tokenAnswer(token, decision.asked, served.clientId))
    } catch (error) {
      const explained =
        error instanceof ActionError
          ? error
          : new ActionError('Token renewal failed', 'The sign-in failed unexpectedly.')
      const status = renewalFailureStatus(explained.message)
      if (countFailure(options.report, resource, explained.title, explained.message)) {
        options.log(`renewal for ${resource} failed: ${explained.title}: ${explained.message.replace(/\n/g, ' ')}`)
      }
      send(
        res,
        status,
        errorAnswer(
          status,
          status === 400 ? 'invalid_grant' : 'temporarily_unavailable',
          `${explained.title}. ${explained.message}`
        )
      )
    } finally {
      options.changed()
    }
  }

  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the two time limits above are checked (30 s by default).
      connectionsCheckingInterval: 1_000
    },
    (req, res) => {
      // A body is refused, not read: stop it flowing so that it cannot pile up.
      req.pause()
      handle(req, res).catch(() => {
        if (!res.headersSent) send(res, 500, errorAnswer(500, 'server_error', 'The token server failed.'))
      })
    }
  )
  server.maxConnections = limits.maxConnections
  server.on('clientError', (_error, socket) => {
    // An oversized or malformed request: answer without reading on, as Node does by default, but counted.
    countRefusal(options.report, 400)
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    else socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  served = { ...served, hosts: [`127.0.0.1:${port}`, `localhost:${port}`] }
  return {
    port,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

/** JSON, never cached, no CORS headers: a browser page may not read it. */
function send(res: ServerResponse, status: number, body: Record<string, unknown>, allowGet = false): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...(allowGet ? { Allow: 'GET' } : {})
  })
  res.end(text)
}
