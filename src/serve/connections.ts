// The token server's door: each connection is let in or answered before a byte of its request is read. Another local
// user's connection is refused with 403; past the connection limit a client gets 503 with Retry-After, which every
// Azure SDK retries, instead of a reset; a connection that sends no request in time is answered 408 and closed. Each
// refusal is counted by the caller; nothing is logged per connection here.

import { STATUS_CODES } from 'node:http'
import { type Socket, createServer } from 'node:net'
import { type Connection, type PeerLookup, isLoopback, peerAllowed } from './peer.js'
import { errorAnswer } from './protocol.js'

export interface ConnectionLimits {
  /** Connections let in at once. */
  readonly maxConnections: number
  /** From connecting, or from the last answer on a kept-alive connection, to a request's last header. */
  readonly headersTimeoutMs: number
  /** From a request's headers to its answer: a renewal's own time limit, with room. */
  readonly requestTimeoutMs: number
  /** What a 503 asks the client to wait. */
  readonly retryAfterSeconds: number
  /** A refused connection is kept this long, reading and dropping what the client sends, so that it gets the answer
   *  and not a reset (closing a socket with unread bytes resets it). */
  readonly lingerMs: number
  /** Refused connections kept so at once; beyond that one is closed at once. */
  readonly maxLingering: number
}

export interface GateOptions {
  readonly limits: ConnectionLimits
  /** Who owns each client's socket; undefined where the platform cannot tell (the header alone guards there). */
  readonly peers: PeerLookup | undefined
  /** The user the server runs as: its connections (and root's) are let in. */
  readonly ownUid: number
  /** A connection let in, its reading resumed: its requests are the HTTP server's. */
  readonly admit: (socket: Socket) => void
  /** A connection answered without a request being read. */
  readonly refused: (status: 403 | 408 | 503, reason: string) => void
}

export interface Gate {
  /** Listens on 127.0.0.1 and returns the port. */
  listen(): Promise<number>
  /** A request's headers arrived: its time limit is now the request's. */
  requestStarted(socket: Socket): void
  /** Its answer is sent: the next request's headers are due in time. */
  requestEnded(socket: Socket): void
  close(): Promise<void>
}

export const REFUSALS = {
  anotherUser: 'another user',
  busy: 'too many connections',
  slow: 'no request in time'
} as const

interface Admitted {
  timer: NodeJS.Timeout | undefined
  requests: number
}

export function openGate(options: GateOptions): Gate {
  const { limits } = options
  const admitted = new Map<Socket, Admitted>()
  let lingering = 0
  let pending: Socket[] = []

  const answer = (socket: Socket, status: 403 | 408 | 503, reason: string, message: string): void => {
    options.refused(status, reason)
    const retry: Record<string, string> = status === 503 ? { 'Retry-After': String(limits.retryAfterSeconds) } : {}
    const error =
      status === 503 ? 'temporarily_unavailable' : status === 403 ? 'unauthorized_client' : 'invalid_request'
    socket.end(rawAnswer(status, errorAnswer(status, error, message), retry))
    if (lingering >= limits.maxLingering) {
      socket.destroy()
      return
    }
    lingering++
    const timer = setTimeout(() => socket.destroy(), limits.lingerMs)
    socket.once('close', () => {
      lingering--
      clearTimeout(timer)
    })
    socket.resume()
  }

  const arm = (socket: Socket, state: Admitted, ms: number): void => {
    clearTimeout(state.timer)
    state.timer = setTimeout(() => {
      // A connection that never sent a request is told why it is closed; a kept-alive one simply ends.
      if (state.requests === 0 && socket.writable) {
        options.refused(408, REFUSALS.slow)
        socket.end(rawAnswer(408, errorAnswer(408, 'invalid_request', 'No request in time.'), {}))
        setTimeout(() => socket.destroy(), limits.lingerMs).unref()
      } else {
        socket.destroy()
      }
    }, ms)
  }

  const letIn = (socket: Socket): void => {
    if (admitted.size >= limits.maxConnections) {
      answer(socket, 503, REFUSALS.busy, `The token server is busy: try again in ${limits.retryAfterSeconds} s.`)
      return
    }
    const state: Admitted = { timer: undefined, requests: 0 }
    admitted.set(socket, state)
    socket.once('close', () => {
      clearTimeout(state.timer)
      admitted.delete(socket)
    })
    arm(socket, state, limits.headersTimeoutMs)
    options.admit(socket)
    socket.resume()
  }

  // The connections waiting are checked with one read of the socket tables.
  const checkPending = (): void => {
    const sockets = pending.filter(socket => !socket.destroyed)
    pending = []
    const connections = sockets.map(connectionOf)
    const owners = options.peers?.(connections) ?? []
    sockets.forEach((socket, index) => {
      const connection = connections[index]
      const own =
        connection !== undefined && isLoopback(connection.peer.address) && peerAllowed(owners[index], options.ownUid)
      if (own) letIn(socket)
      else answer(socket, 403, REFUSALS.anotherUser, 'This endpoint serves only the user that runs the job.')
    })
  }

  // A read of the tables costs time that grows with the connections the machine has (a flood leaves thousands in
  // TIME_WAIT), and connections are accepted one per turn of the event loop: the next read waits as long as the last
  // one took, so a flood of connections gets batched and can take at most about half of the server's time.
  let checkScheduled = false
  let lastCheckEnd = 0
  let lastCheckCost = 0
  const runCheck = (): void => {
    checkScheduled = false
    const started = performance.now()
    checkPending()
    lastCheckEnd = performance.now()
    lastCheckCost = lastCheckEnd - started
  }

  const server = createServer({ pauseOnConnect: true }, socket => {
    socket.on('error', () => undefined)
    if (options.peers === undefined) {
      letIn(socket)
      return
    }
    pending.push(socket)
    if (checkScheduled) return
    checkScheduled = true
    const wait = lastCheckEnd + lastCheckCost - performance.now()
    if (wait > 0) setTimeout(runCheck, wait)
    else setImmediate(runCheck)
  })

  return {
    listen: () =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject)
        server.listen({ host: '127.0.0.1', port: 0 }, () => {
          server.off('error', reject)
          const address = server.address()
          resolve(typeof address === 'object' && address !== null ? address.port : 0)
        })
      }),
    requestStarted: socket => {
      const state = admitted.get(socket)
      if (state === undefined) return
      state.requests++
      arm(socket, state, limits.requestTimeoutMs)
    },
    requestEnded: socket => {
      const state = admitted.get(socket)
      if (state !== undefined) arm(socket, state, limits.headersTimeoutMs)
    },
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve())
        for (const socket of [...admitted.keys(), ...pending]) socket.destroy()
      })
  }
}

function connectionOf(socket: Socket): Connection {
  return {
    peer: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
    local: { address: socket.localAddress ?? '', port: socket.localPort ?? 0 }
  }
}

/** An answer written straight to the socket, before (and without) any HTTP parsing: JSON, closed after. */
function rawAnswer(status: number, body: Record<string, unknown>, extra: Record<string, string>): string {
  const text = JSON.stringify(body)
  const headers = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    Connection: 'close',
    ...extra
  }
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${lines.join('\r\n')}\r\n\r\n${text}`
}
