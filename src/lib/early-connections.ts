// Connections opened before their request is ready: a TLS connection waits for no answer, so it can be made while
// the action waits for another host. Handed to the HTTP clients through an agent, their own seam; a request to an
// origin opened early takes a live connection opened for it, or makes a new one as usual.

import type { Agent, ClientRequestArgs } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { isIP } from 'node:net'
import type { Duplex } from 'node:stream'
import { type TLSSocket, connect } from 'node:tls'
import { proxyConfigured } from './proxy.js'

/** The agent for a request to this URL, or undefined to leave the request to the client's own agent. */
export type AgentFor = (url: string) => Agent | undefined

export interface EarlyConnections {
  /** Opens connections to an https origin until `count` are open or in use for it; nothing for any other URL. */
  open(url: string, count: number): void
  readonly agentFor: AgentFor
  /** Ends every connection, the idle ones opened early included. */
  close(): void
}

/** Longest an early connection may take to be made; after that it is dropped and a request makes its own. */
const HANDSHAKE_LIMIT_MS = 10_000
/** Longest one may wait unused: a network that drops idle connections silently (no close seen) may have dropped it
 *  after a long wait (wait-for-access), and a request sent on it would wait for its time limit instead of an answer. */
const IDLE_LIMIT_MS = 30_000

/**
 * Early connections, or none at all behind a proxy: a connection opened directly would bypass it, and one opened
 * through it would need the clients' own proxy rules (NO_PROXY among them); a request there makes its own, as before.
 */
export function earlyConnections(env: Readonly<Record<string, string | undefined>>): EarlyConnections {
  if (proxyConfigured(env)) return { open: () => undefined, agentFor: () => undefined, close: () => undefined }
  const agent = new EarlyAgent()
  const opened = new Map<string, number>()
  return {
    open(url, count) {
      const origin = httpsOrigin(url)
      if (origin === undefined) return
      const already = opened.get(origin.key) ?? 0
      for (let n = already; n < count; n++) agent.openEarly(origin)
      opened.set(origin.key, Math.max(already, count))
    },
    agentFor: url => {
      const key = httpsOrigin(url)?.key
      return key !== undefined && opened.has(key) ? agent : undefined
    },
    close: () => {
      agent.destroy()
    }
  }
}

interface Origin {
  readonly host: string
  readonly port: number
  readonly key: string
}

function httpsOrigin(url: string): Origin | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (parsed.protocol !== 'https:') return undefined
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1')
  const port = parsed.port === '' ? 443 : Number(parsed.port)
  return { host, port, key: `${host.toLowerCase()}:${String(port)}` }
}

/** A keep-alive https agent whose first connections to an origin may have been opened before the first request. */
class EarlyAgent extends HttpsAgent {
  private readonly ready = new Map<string, TLSSocket[]>()
  /** Hands a connection over: its idle listeners and time limit removed, and it keeps the process alive again. */
  private readonly release = new WeakMap<TLSSocket, () => void>()

  constructor() {
    super({ keepAlive: true })
  }

  /** One connection, as the agent itself would make it (the default trust store, NODE_EXTRA_CA_CERTS included). */
  openEarly(origin: Origin): void {
    const socket = connect({
      host: origin.host,
      port: origin.port,
      ...(isIP(origin.host) === 0 ? { servername: origin.host } : {})
    })
    // Idle, it must not keep the process alive, nor outlive a slow handshake or a long wait; a failure only drops it.
    const drop = (): void => {
      socket.destroy()
      const list = this.ready.get(origin.key)
      const at = list?.indexOf(socket) ?? -1
      if (list && at >= 0) list.splice(at, 1)
    }
    const connected = (): void => {
      socket.setTimeout(IDLE_LIMIT_MS)
    }
    socket.unref()
    socket.setTimeout(HANDSHAKE_LIMIT_MS)
    socket.on('timeout', drop).on('error', drop).on('end', drop).on('close', drop).once('secureConnect', connected)
    this.release.set(socket, () => {
      socket.off('timeout', drop).off('error', drop).off('end', drop).off('close', drop).off('secureConnect', connected)
      socket.setTimeout(0)
      socket.ref()
    })
    this.ready.set(origin.key, [...(this.ready.get(origin.key) ?? []), socket])
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (error: Error | null, stream: Duplex) => void
  ): Duplex | null | undefined {
    return this.take(options) ?? super.createConnection(options, callback)
  }

  /** A live connection opened early for this origin: one the server closed meanwhile is never handed out. */
  private take(options: ClientRequestArgs): TLSSocket | undefined {
    const host = (options.host ?? options.hostname ?? '').replace(/^\[(.*)\]$/, '$1')
    const list = this.ready.get(`${host.toLowerCase()}:${String(options.port ?? 443)}`)
    for (let socket = list?.shift(); socket !== undefined; socket = list?.shift()) {
      if (socket.destroyed || !socket.readable || !socket.writable) continue
      this.release.get(socket)?.()
      return socket
    }
    return undefined
  }

  override destroy(): void {
    for (const list of this.ready.values()) for (const socket of list.splice(0)) socket.destroy()
    super.destroy()
  }
}
