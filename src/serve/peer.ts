// Which user is on the other end of a loopback connection, read from the kernel's socket tables (/proc/net/tcp and
// /proc/net/tcp6) before a byte of the request is read: the token server serves the job's own user (and root, who can
// read any process's environment anyway), never another local user who saw IDENTITY_HEADER somewhere. Pure parsing
// of the tables, and one reader of them at the edge.

import { readFileSync } from 'node:fs'
import { endianness } from 'node:os'

export interface Endpoint {
  readonly address: string
  readonly port: number
}

/** One accepted connection, as the server sees it. */
export interface Connection {
  /** The client's address and port. */
  readonly peer: Endpoint
  /** The server's own. */
  readonly local: Endpoint
}

/** The uid that owns each connection's client socket, in order; undefined where no live socket matches. */
export type PeerLookup = (connections: readonly Connection[]) => readonly (number | undefined)[]

/** The tables, on Linux; IPv6 sockets talking IPv4 (mapped addresses) are in tcp6. */
const TABLES = ['/proc/net/tcp', '/proc/net/tcp6']

/**
 * The owners of the connections' client sockets: in the tables, the client's socket is the line whose local address
 * is the connection's peer and whose remote address is the server's. Lines without an inode (a socket its process
 * has closed, or TIME_WAIT) list uid 0 and own nothing: they are skipped, and such a client, which could not read an
 * answer anyway, has no owner.
 */
export function peerOwners(
  tables: readonly string[],
  connections: readonly Connection[],
  littleEndian: boolean
): (number | undefined)[] {
  const wanted = new Set(connections.map(c => key(c.peer, c.local)))
  const ports = new Set(connections.map(c => `:${hexPort(c.local.port)} `))
  const owners = new Map<string, number | undefined>()
  for (const table of tables) {
    for (const line of table.split('\n')) {
      // Most lines are other connections: a substring test first keeps a table of thousands cheap.
      if (![...ports].some(port => line.includes(port))) continue
      const entry = parseLine(line, littleEndian)
      if (entry === undefined || entry.inode === '0') continue
      const found = key(entry.local, entry.remote)
      if (!wanted.has(found)) continue
      // Two live sockets cannot share a connection; if the tables ever say so, neither is believed.
      owners.set(found, owners.has(found) && owners.get(found) !== entry.uid ? undefined : entry.uid)
    }
  }
  return connections.map(c => owners.get(key(c.peer, c.local)))
}

/** The job's own user, or root. */
export function peerAllowed(owner: number | undefined, ownUid: number): boolean {
  return owner !== undefined && (owner === ownUid || owner === 0)
}

/** 127.0.0.0/8, also as an IPv4-mapped IPv6 address. */
export function isLoopback(address: string): boolean {
  return /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address)
}

export interface TableEntry {
  readonly local: Endpoint
  readonly remote: Endpoint
  readonly uid: number
  readonly inode: string
}

/**
 * One line of /proc/net/tcp or tcp6: `sl local rem st queues tr retrnsmt uid timeout inode …`, each address the
 * kernel's 32-bit words in hex, in the machine's own byte order, and the port in hex. Undefined for the header line
 * or anything else that is not such a line.
 */
export function parseLine(line: string, littleEndian: boolean): TableEntry | undefined {
  const fields = line.trim().split(/\s+/)
  if (fields.length < 10 || !/^\d+:$/.test(fields[0] ?? '')) return undefined
  const local = parseEndpoint(fields[1] ?? '', littleEndian)
  const remote = parseEndpoint(fields[2] ?? '', littleEndian)
  const uid = Number(fields[7])
  const inode = fields[9] ?? ''
  if (local === undefined || remote === undefined || !Number.isInteger(uid) || !/^\d+$/.test(inode)) return undefined
  return { local, remote, uid, inode }
}

function parseEndpoint(text: string, littleEndian: boolean): Endpoint | undefined {
  const match = /^([0-9A-F]{8}|[0-9A-F]{32}):([0-9A-F]{4})$/i.exec(text)
  if (match === null) return undefined
  const hex = match[1] ?? ''
  const bytes: number[] = []
  for (let i = 0; i < hex.length; i += 8) {
    const word = Buffer.from(hex.slice(i, i + 8), 'hex')
    bytes.push(...(littleEndian ? word.reverse() : word))
  }
  return { address: addressText(bytes), port: parseInt(match[2] ?? '', 16) }
}

/** Dotted IPv4, also for an IPv4-mapped IPv6 address (::ffff:a.b.c.d), which is how an IPv6 socket reaches 127.0.0.1. */
function addressText(bytes: readonly number[]): string {
  const mapped = bytes.length === 16 && bytes.slice(0, 10).every(b => b === 0) && bytes[10] === 255 && bytes[11] === 255
  if (bytes.length === 4 || mapped) return bytes.slice(-4).join('.')
  const words: string[] = []
  for (let i = 0; i < 16; i += 2) words.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16))
  return words.join(':')
}

const hexPort = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0')
const key = (from: Endpoint, to: Endpoint): string =>
  `${from.address.replace(/^::ffff:/i, '')}:${from.port}>${to.address.replace(/^::ffff:/i, '')}:${to.port}`

/**
 * The lookup from the live tables, on Linux; undefined elsewhere (see docs/security.md for what guards the endpoint
 * there). A table that cannot be read finds no owner, so its connections are refused.
 */
export function procPeerLookup(platform: NodeJS.Platform = process.platform): PeerLookup | undefined {
  if (platform !== 'linux') return undefined
  return connections => {
    const tables = TABLES.map(path => {
      try {
        return readFileSync(path, 'latin1')
      } catch {
        return ''
      }
    })
    return peerOwners(tables, connections, endianness() === 'LE')
  }
}
