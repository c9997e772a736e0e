// The token server's HTTP side: 127.0.0.1 only, connections let in by connections.ts (the job's own user, a bounded
// number, each with its time limits), a bounded number of bytes per request, each request decided by protocol.ts,
// tokens from the sign-in's credential (one renewal per resource at a time), and every answer, renewal, failure and
// refusal counted. Logs what it does, never a token or the header.

import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import { ActionError } from '../errors.js'
import type { IssuedToken } from '../signin/issued-token.js'
import { type ConnectionLimits, openGate } from './connections.js'
import type { PeerLookup } from './peer.js'
import { type Served, decide, errorAnswer, renewalFailureStatus, tokenAnswer } from './protocol.js'
import { type ServeReport, countAnswer, countFailure, countRefusal } from './report.js'

export interface TokenSource {
  /** A token for an allowed resource; a failure is an ActionError with the step's explanation. */
  getToken(resource: string): Promise<IssuedToken>
}

export interface ServerLimits extends ConnectionLimits {
  /** Bytes of request line and headers. */
  readonly maxHeaderBytes: number
  /** An idle kept-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number
}

export const SERVER_LIMITS: ServerLimits = {
  // Far more than a job's steps ask at once (each holds one connection while its token comes), few enough to cost
  // nothing. Only the job's own user (and root) can take one: another user's connection is refused before it counts.
  maxConnections: 64,
  maxHeaderBytes: 8192,
  // A local client writes its request line and headers right after it connects: 3 s leaves a loaded runner room,
  // and frees a slot that a stuck or hostile client holds without sending one.
  headersTimeoutMs: 3_000,
  // The sign-in's own time limit for one renewal is shorter.
  requestTimeoutMs: 70_000,
  keepAliveTimeoutMs: 2_000,
  // The SDKs wait what Retry-After says before they try again; a slot frees within a second or two.
  retryAfterSeconds: 1,
  // Long enough for a local client to read the refusal, short enough that refused connections do not pile up.
  lingerMs: 1_000,
  maxLingering: 256
}

export interface TokenServerOptions {
  /** Without the port: the Host values are known once it listens. */
  readonly served: Omit<Served, 'hosts'>
  readonly source: TokenSource
  readonly report: ServeReport
  /** Called after every request and refused connection, so the report on disk stays current. */
  readonly changed: () => void
  /** A line for the server's log; with a kind, one that may come in a flood (a refusal). */
  readonly log: (line: string, kind?: string) => void
  /** Who owns a client's socket; undefined where the platform cannot tell. */
  readonly peers: PeerLookup | undefined
  /** The user the server runs as. */
  readonly ownUid: number
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
      countRefusal(options.report, decision.status, decision.reason)
      options.log(`refused a request: ${decision.status} ${decision.message}`, `${decision.status} ${decision.reason}`)
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

  const refused = (status: number, reason: string): void => {
    countRefusal(options.report, status, reason)
    options.log(`refused a connection: ${status} ${reason}`, `${status} ${reason}`)
    options.changed()
  }
  // It never listens itself: the gate hands it the connections it lets in, and keeps their time limits.
  const server = createServer(
    { maxHeaderSize: limits.maxHeaderBytes, keepAliveTimeout: limits.keepAliveTimeoutMs },
    (req, res) => {
      gate.requestStarted(req.socket)
      res.once('close', () => gate.requestEnded(req.socket))
      // A body is refused, not read: stop it flowing so that it cannot pile up.
      req.pause()
      handle(req, res).catch(() => {
        if (!res.headersSent) send(res, 500, errorAnswer(500, 'server_error', 'The token server failed.'))
      })
    }
  )
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // A client that left in the middle of a request, or one the gate has answered already (408), is closed and not
    // counted again.
    if (!socket.writable || error.code === 'HPE_INVALID_EOF_STATE') {
      socket.destroy()
      return
    }
    // An oversized or malformed request: answer without reading on, as Node does by default, but counted.
    refused(400, 'malformed request')
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
  })
  const gate = openGate({
    limits,
    peers: options.peers,
    ownUid: options.ownUid,
    admit: socket => server.emit('connection', socket),
    refused
  })
  const port = await gate.listen()
  served = { ...served, hosts: [`127.0.0.1:${port}`, `localhost:${port}`] }
  return {
    port,
    close: async () => {
      await gate.close()
      server.close()
    }
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
