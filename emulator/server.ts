// HTTPS listeners and the one request pipeline every party shares: buffer the request, apply a scripted fault or call
// the party's handler, log what happened.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'
import { type BodyStream, faultAction } from './faults.ts'
import type { EmuRequest, EmuResponse } from './http.ts'
import type { FaultSpec, Party } from './scenario.ts'

export interface RequestLogEntry {
  readonly party: Party
  /** scheme://host[:port] the client addressed. */
  readonly origin: string
  readonly method: string
  /** Path with the query. */
  readonly path: string
  readonly hadAuthorization: boolean
  /** The bearer token presented, so tests can prove where a token went (never Azure DevOps' System.AccessToken). */
  readonly bearerToken?: string
  /** The FHIR service's custom audit headers sent (`x-ms-azurefhir-audit-*`, names in lower case), if any. */
  readonly auditHeaders?: Readonly<Record<string, string>>
  /** The Prefer header sent, if any (`handling=strict`). */
  readonly prefer?: string
  /** 0 when no answer was given (hang, reset). */
  readonly status: number
  /** When the request arrived (ms since the Unix epoch). */
  readonly time: number
  /** For a streamed answer: the bytes of body written before the stream ended or the client went away. */
  readonly bodyBytesSent?: number
}

/** A TLS connection the emulator accepted: which party's, and when its handshake completed. */
export interface ConnectionLogEntry {
  readonly party: Party
  /** ms since the Unix epoch. */
  readonly time: number
}

export interface Pipeline {
  partyOf(host: string): Party
  /** Records an accepted connection (a client may open one before it has a request to send). */
  connected(entry: ConnectionLogEntry): void
  handle(party: Party, req: EmuRequest): Promise<EmuResponse>
  takeFault(party: Party, method: string, path: string): FaultSpec | undefined
  log(entry: RequestLogEntry): void
}

const MAX_BODY_BYTES = 1_000_000

/** Parties whose bearer is the job's own credential, not a token handed out: the log keeps only that one was sent
 *  (System.AccessToken acts as the whole pipeline run, and the log may be written to a file). */
const BEARER_NOT_LOGGED: ReadonlySet<Party> = new Set(['azure-devops'])

async function readBody(raw: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of raw) {
    const buf = chunk as Buffer
    size += buf.length
    if (size > MAX_BODY_BYTES) throw new Error('request body too large')
    chunks.push(buf)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const CHUNK_BYTES = 64 * 1024

/**
 * Streams a fault's body with back-pressure (so a client that stops reading stops it), and resolves with the bytes
 * written once it ends, is cut by the fault, or the client goes away.
 */
async function stream(
  res: ServerResponse,
  response: EmuResponse,
  spec: BodyStream,
  timers: Set<NodeJS.Timeout>
): Promise<number> {
  const head = Buffer.from(spec.text ?? '')
  // A cut answer is sent chunked, as a server that is still writing it does; a whole one announces its length.
  const length =
    spec.resetAfterBytes === undefined ? { 'content-length': String(Math.max(spec.bytes, head.length)) } : {}
  res.writeHead(response.status, { ...response.headers, ...length })
  const filler = Buffer.alloc(CHUNK_BYTES, 'A')
  let sent = 0
  const gone = (): boolean => res.destroyed || res.socket?.destroyed === true
  while (sent < spec.bytes && !gone()) {
    if (spec.resetAfterBytes !== undefined && sent >= spec.resetAfterBytes) {
      res.socket?.destroy()
      return sent
    }
    const room = Math.min(CHUNK_BYTES, spec.bytes - sent, (spec.resetAfterBytes ?? Number.POSITIVE_INFINITY) - sent)
    const chunk = sent === 0 && head.length > 0 ? head : filler.subarray(0, room)
    sent += chunk.length
    if (!res.write(chunk)) {
      await new Promise<void>(resolve => {
        const done = (): void => {
          res.off('drain', done)
          res.off('close', done)
          resolve()
        }
        res.on('drain', done)
        res.on('close', done)
      })
    }
    if (spec.chunkDelayMs !== undefined) await sleep(spec.chunkDelayMs, timers)
  }
  if (!gone()) res.end()
  return sent
}

function send(res: ServerResponse, response: EmuResponse): void {
  const body = response.body ?? ''
  res.writeHead(response.status, { ...response.headers, 'content-length': String(Buffer.byteLength(body)) })
  res.end(body)
}

export class Listener {
  readonly server: Server
  readonly port: number
  private readonly sockets = new Set<Duplex>()

  private constructor(server: Server, port: number) {
    this.server = server
    this.port = port
    server.on('connection', socket => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  static async start(
    tls: { cert: string; key: string },
    address: string,
    port: number,
    pipeline: Pipeline,
    timers: Set<NodeJS.Timeout>
  ): Promise<Listener> {
    const server = createServer({ cert: tls.cert, key: tls.key }, (raw, res) => {
      void serve(raw, res, pipeline, timers)
    })
    server.on('secureConnection', (socket: TLSSocket) => {
      const name = typeof socket.servername === 'string' ? socket.servername : 'localhost'
      pipeline.connected({ party: pipeline.partyOf(name), time: Date.now() })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, address, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const bound = server.address()
    return new Listener(server, typeof bound === 'object' && bound ? bound.port : port)
  }

  async close(): Promise<void> {
    // Hung requests keep their sockets open: end them, or close() would wait forever.
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>(resolve => this.server.close(() => resolve()))
  }
}

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      resolve()
    }, ms)
    timers.add(timer)
  })
}

function auditHeadersOf(raw: IncomingMessage): Record<string, string> | undefined {
  const found = Object.entries(raw.headers).filter(([name]) => name.startsWith('x-ms-azurefhir-audit-'))
  if (found.length === 0) return undefined
  return Object.fromEntries(found.map(([name, value]) => [name, [value ?? ''].flat().join(', ')]))
}

async function serve(
  raw: IncomingMessage,
  res: ServerResponse,
  pipeline: Pipeline,
  timers: Set<NodeJS.Timeout>
): Promise<void> {
  const time = Date.now()
  const host = raw.headers.host ?? `localhost:${String(raw.socket.localPort ?? '')}`
  const origin = `https://${host}`
  const path = raw.url ?? '/'
  const method = raw.method ?? 'GET'
  const party = pipeline.partyOf(host)
  const authorization = raw.headers.authorization
  const bearer = BEARER_NOT_LOGGED.has(party) ? undefined : /^Bearer\s+(\S+)/i.exec(authorization ?? '')?.[1]
  const audit = auditHeadersOf(raw)
  const prefer = [raw.headers.prefer ?? []].flat().join(', ') || undefined
  const log = (status: number, bodyBytesSent?: number): void =>
    pipeline.log({
      party,
      origin,
      method,
      path,
      hadAuthorization: authorization !== undefined,
      ...(bearer === undefined ? {} : { bearerToken: bearer }),
      ...(audit === undefined ? {} : { auditHeaders: audit }),
      ...(prefer === undefined ? {} : { prefer }),
      status,
      time,
      ...(bodyBytesSent === undefined ? {} : { bodyBytesSent })
    })

  try {
    const body = await readBody(raw)
    const fault = pipeline.takeFault(party, method, path)
    if (fault) {
      const action = faultAction(fault, party, body)
      if (action.kind === 'hang') {
        log(0)
        return
      }
      if (action.delayMs > 0) await sleep(action.delayMs, timers)
      if (action.kind === 'reset') {
        log(0)
        raw.socket.destroy()
        return
      }
      if (action.kind === 'respond') {
        send(res, action.response)
        log(action.response.status)
        return
      }
      if (action.kind === 'stream') {
        log(action.response.status, await stream(res, action.response, action.stream, timers))
        return
      }
    }
    const req: EmuRequest = { method, origin, path, url: new URL(path, origin), headers: raw.headers, body }
    const response = await pipeline.handle(party, req)
    send(res, response)
    log(response.status)
  } catch (error) {
    if (res.headersSent || raw.socket.destroyed) return
    send(res, {
      status: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: `emulator error: ${String(error)}`
    })
    log(500)
  }
}
