// Who is on the other end of a loopback connection, from /proc/net/tcp and tcp6 as the kernel writes them (lines
// taken from a real table, in the machine's byte order): the client socket's owner, never the server's own socket,
// never a socket its process has closed.
import { describe, expect, it } from '@jest/globals'
import { isLoopback, parseLine, peerAllowed, peerOwners } from '../../src/serve/peer.js'

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode'
// The server listens on 127.0.0.1:40000 (0x9C40); clients on ports 50001 (uid 1001), 50002 (uid 65534).
const TCP = [
  HEADER,
  '   0: 0100007F:9C40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 1111 1 0 100 0 0 10 0',
  '   1: 0100007F:C351 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1001        0 2222 1 0 20 4 30 10 -1',
  '   2: 0100007F:9C40 0100007F:C351 01 00000000:00000000 00:00000000 00000000  1001        0 3333 1 0 20 4 30 10 -1',
  '   3: 0100007F:C352 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 65534        0 4444 1 0 20 4 30 10 -1',
  '   4: 0100007F:9C40 0100007F:C352 01 00000000:00000000 00:00000000 00000000  1001        0 5555 1 0 20 4 30 10 -1',
  // A client that closed its socket: TIME_WAIT, no inode, uid 0.
  '   5: 0100007F:C353 0100007F:9C40 06 00000000:00000000 03:00000DB5 00000000     0        0 0 3 0',
  ''
].join('\n')
// An IPv6 socket that reached 127.0.0.1: its addresses are IPv4-mapped (::ffff:127.0.0.1).
const TCP6 = [
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 0000000000000000FFFF00000100007F:C354 0000000000000000FFFF00000100007F:9C40 01 00000000:00000000 00:00000000 00000000  1001        0 6666 1 0 20 4 30 10 -1',
  '   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7777 1 0 100 0 0 10 0',
  ''
].join('\n')

const server = { address: '127.0.0.1', port: 40000 }
const from = (port: number, address = '127.0.0.1') => ({ peer: { address, port }, local: server })

describe('a line of the socket table', () => {
  it('reads the addresses in the machine byte order, the port, the uid and the inode', () => {
    expect(parseLine(TCP.split('\n')[2] ?? '', true)).toEqual({
      local: { address: '127.0.0.1', port: 50001 },
      remote: { address: '127.0.0.1', port: 40000 },
      uid: 1001,
      inode: '2222'
    })
    // The same words on a big-endian machine spell 1.0.0.127.
    expect(parseLine(TCP.split('\n')[2] ?? '', false)?.local.address).toBe('1.0.0.127')
  })

  it('reads IPv6 addresses word by word, and an IPv4-mapped one as dotted IPv4', () => {
    expect(parseLine(TCP6.split('\n')[1] ?? '', true)?.local).toEqual({ address: '127.0.0.1', port: 50004 })
    expect(parseLine(TCP6.split('\n')[2] ?? '', true)?.local).toEqual({ address: '0:0:0:0:0:0:0:1', port: 8080 })
  })

  it('is not the header, a blank line or a damaged line', () => {
    for (const line of [HEADER, '', '   0: 0100007F:9C40', '   0: nothex:9C40 0100007F:C351 01 0 0 0 1001 0 1 1']) {
      expect(parseLine(line, true)).toBeUndefined()
    }
  })
})

describe("a connection's owner", () => {
  it("is the uid of the client's socket, not of the server's side of the connection", () => {
    expect(peerOwners([TCP, TCP6], [from(50001), from(50002), from(50004)], true)).toEqual([1001, 65534, 1001])
  })

  it('is unknown for a socket its process closed (TIME_WAIT, uid 0), a port nobody uses, or empty tables', () => {
    expect(peerOwners([TCP, TCP6], [from(50003), from(50099)], true)).toEqual([undefined, undefined])
    expect(peerOwners(['', ''], [from(50001)], true)).toEqual([undefined])
  })

  it('is found for a peer given as an IPv4-mapped address too', () => {
    expect(peerOwners([TCP], [from(50001, '::ffff:127.0.0.1')], true)).toEqual([1001])
  })

  it('is unknown when two live sockets claim the same connection with different owners', () => {
    const doubled = `${TCP}${TCP.split('\n')[2]?.replace(' 1001 ', '    7 ') ?? ''}\n`
    expect(peerOwners([doubled], [from(50001)], true)).toEqual([undefined])
  })
})

describe('who is let in', () => {
  it("the server's own user and root; nobody else, and no unknown owner", () => {
    expect(peerAllowed(1001, 1001)).toBe(true)
    expect(peerAllowed(0, 1001)).toBe(true)
    expect(peerAllowed(65534, 1001)).toBe(false)
    expect(peerAllowed(undefined, 1001)).toBe(false)
    expect(peerAllowed(undefined, 0)).toBe(false)
  })

  it('only loopback peers', () => {
    expect(isLoopback('127.0.0.1')).toBe(true)
    expect(isLoopback('127.1.2.3')).toBe(true)
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true)
    expect(isLoopback('10.0.0.1')).toBe(false)
    expect(isLoopback('::1')).toBe(false)
  })
})
