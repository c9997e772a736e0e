// Early connections against a real TLS server: a live one carries the request, one the server closed meanwhile is
// replaced by a new one, and behind a proxy none is opened.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type IncomingMessage, type Agent } from 'node:http'
import { type Server, createServer, get } from 'node:https'
import type { TLSSocket } from 'node:tls'
import { createCertificateAuthority } from '../../emulator/ca.ts'
import { trustEmulatorCa } from '../../emulator/index.ts'
import { earlyConnections } from '../../src/lib/early-connections.ts'

let server: Server
let url: string
/** Connections the server accepted, in order. */
const accepted: TLSSocket[] = []
/** When set, the server ends each new connection at once, as one that drops idle connections does. */
let dropNew = false

beforeAll(async () => {
  const ca = await createCertificateAuthority()
  trustEmulatorCa(ca.certPem)
  const leaf = await ca.issueServerCertificate(['localhost'], ['127.0.0.1'])
  server = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (_req, res) => {
    res.end('ok')
  })
  server.on('secureConnection', (socket: TLSSocket) => {
    accepted.push(socket)
    if (dropNew) socket.end()
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  url = `https://localhost:${typeof address === 'object' && address ? address.port : 0}/`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise(resolve => setTimeout(resolve, 10))
  if (!done()) throw new Error('gave up waiting')
}

const fetchWith = (agent: Agent | undefined): Promise<string> =>
  new Promise((resolve, reject) => {
    get(url, { ...(agent ? { agent } : {}) }, (res: IncomingMessage) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve(body))
    }).on('error', reject)
  })

/** Opens one connection early, waits until `opened` holds, then asks through the agent: the connections accepted. */
async function requestAfterOpening(opened: () => boolean): Promise<number> {
  const early = earlyConnections({})
  early.open(url, 1)
  await until(opened)
  dropNew = false
  try {
    expect(await fetchWith(early.agentFor(url))).toBe('ok')
    return accepted.length
  } finally {
    early.close()
  }
}

describe('early connections', () => {
  it('a live one carries the request: no other connection is made', async () => {
    accepted.length = 0
    dropNew = false
    expect(await requestAfterOpening(() => accepted.length === 1)).toBe(1)
  })

  it('one the server closed meanwhile is replaced, never used', async () => {
    accepted.length = 0
    dropNew = true
    expect(await requestAfterOpening(() => accepted.length === 1 && accepted[0]?.destroyed === true)).toBe(2)
  })

  it('behind a proxy, or for another origin or scheme, none is opened and no agent is given', async () => {
    accepted.length = 0
    dropNew = false
    const proxied = earlyConnections({ HTTPS_PROXY: 'http://127.0.0.1:9' })
    proxied.open(url, 2)
    const direct = earlyConnections({})
    direct.open(url.replace('https:', 'http:'), 1)
    // A request of this test's own, so that an early connection, had one been made, is seen before it.
    expect(await fetchWith(undefined)).toBe('ok')
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(accepted).toHaveLength(1)
    expect(proxied.agentFor(url)).toBeUndefined()
    expect(direct.agentFor(url)).toBeUndefined()
    proxied.close()
    direct.close()
  })
})
