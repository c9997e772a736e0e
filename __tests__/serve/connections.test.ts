// The token server's door over real loopback sockets, with the socket owner's lookup injected: another user's
// connection is answered 403 before anything is read, root and the server's own user are let in, past the limit a
// client gets 503 with Retry-After, and a connection that sends no request in time gets 408.
import { afterEach, describe, expect, it } from '@jest/globals'
import { connect } from 'node:net'
import { type Gate, openGate } from '../../src/serve/connections.js'
import type { PeerLookup } from '../../src/serve/peer.js'
import { SERVER_LIMITS } from '../../src/serve/server.js'

const OWN_UID = 1000
const gates: Gate[] = []
afterEach(async () => {
  await Promise.all(gates.splice(0).map(gate => gate.close()))
})

async function door(owner: number | undefined, limits: Partial<typeof SERVER_LIMITS> = {}) {
  const refused: string[] = []
  let admitted = 0
  const asked: number[] = []
  const peers: PeerLookup = connections => {
    asked.push(connections.length)
    return connections.map(() => owner)
  }
  const gate = openGate({
    limits: { ...SERVER_LIMITS, lingerMs: 200, ...limits },
    peers,
    ownUid: OWN_UID,
    admit: socket => {
      admitted++
      // Stands in for the HTTP server: holds the connection open, reads nothing.
      socket.on('data', () => undefined)
    },
    refused: (status, reason) => refused.push(`${status} ${reason}`)
  })
  gates.push(gate)
  const port = await gate.listen()
  return { port, refused, admitted: () => admitted, asked }
}

/** Connects, optionally sends a request, and collects what the server says until it closes (or `waitMs` passes). */
function client(port: number, send?: string, waitMs = 3000): Promise<string> {
  return new Promise(resolve => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      if (send !== undefined) socket.write(send)
    })
    let text = ''
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(text)
    }, waitMs)
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(text)
    })
  })
}

const REQUEST = 'GET /msi/token HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'

describe('the door', () => {
  it("answers another user's connection 403 with a JSON error, and never lets it in", async () => {
    const { port, refused, admitted } = await door(4242)
    const text = await client(port, REQUEST)
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 403 Forbidden')
    expect(text).toContain('Connection: close')
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'unauthorized_client' })
    expect(refused).toEqual(['403 another user'])
    expect(admitted()).toBe(0)
  })

  it('refuses a connection whose owner cannot be found', async () => {
    const { port, refused } = await door(undefined)
    expect((await client(port, REQUEST)).split('\r\n')[0]).toBe('HTTP/1.1 403 Forbidden')
    expect(refused).toEqual(['403 another user'])
  })

  it.each([
    ['its own user', OWN_UID],
    ['root', 0]
  ])('lets in %s', async (_name, owner) => {
    const { port, refused, admitted } = await door(owner)
    expect(await client(port, REQUEST, 300)).toBe('')
    expect(admitted()).toBe(1)
    expect(refused).toEqual([])
  })

  it('past the limit answers 503 with Retry-After at once, not a reset', async () => {
    const { port, refused, admitted } = await door(OWN_UID, { maxConnections: 2 })
    const held = [client(port, REQUEST, 1500), client(port, REQUEST, 1500)]
    await new Promise(resolve => setTimeout(resolve, 200))
    const extra = await client(port, REQUEST)
    expect(extra.split('\r\n')[0]).toBe('HTTP/1.1 503 Service Unavailable')
    expect(extra).toMatch(/\r\nRetry-After: 1\r\n/)
    expect(JSON.parse(extra.slice(extra.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'temporarily_unavailable' })
    await Promise.all(held)
    expect(admitted()).toBe(2)
    expect(refused).toEqual(['503 too many connections'])
  })

  it('answers 408 and closes a connection that sends no request in time', async () => {
    const { port, refused } = await door(OWN_UID, { headersTimeoutMs: 300 })
    const text = await client(port, 'GET /msi/tok')
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout')
    expect(refused).toEqual(['408 no request in time'])
  })

  it('checks connections that arrive together with one lookup, or a few', async () => {
    const { port, asked } = await door(4242)
    await Promise.all(Array.from({ length: 30 }, () => client(port, REQUEST)))
    expect(asked.reduce((a, b) => a + b, 0)).toBe(30)
    expect(asked.length).toBeLessThan(30)
  })
})
