import { describe, expect, it } from '@jest/globals'
import { nodeDebugNetworkModules } from '../../src/lib/node-debug.js'
import { proxyCredentials } from '../../src/lib/proxy.js'

describe('proxyCredentials', () => {
  it('finds the password and the user:password of every proxy variable, in any case, raw and decoded', () => {
    const env = {
      HTTPS_PROXY: 'http://builder:p%40ss~word@proxy.example:3128',
      http_proxy: 'user2:second-pass@10.0.0.1:8080',
      All_Proxy: 'socks5://only-a-token@proxy.example:1080',
      NO_PROXY: 'user:notaproxy@x',
      PATH: '/bin'
    }
    expect(proxyCredentials(env).sort()).toEqual(
      [
        'p%40ss~word',
        'p@ss~word',
        'builder:p%40ss~word',
        'builder:p@ss~word',
        'second-pass',
        'user2:second-pass',
        'only-a-token'
      ].sort()
    )
  })

  it('finds nothing in a proxy URL without credentials', () => {
    expect(proxyCredentials({ HTTPS_PROXY: 'http://proxy.example:3128', HTTP_PROXY: '' })).toEqual([])
  })
})

describe('nodeDebugNetworkModules', () => {
  it.each([
    ['http', ['http']],
    ['fs,HTTPS , tls', ['https', 'tls']],
    ['http*', ['http', 'http2', 'https']],
    ['*', ['http', 'http2', 'https', 'net', 'tls', 'undici', 'fetch']],
    ['fs,module', []],
    ['', []],
    [undefined, []]
  ])('NODE_DEBUG=%s names %j', (value, expected) => {
    expect(nodeDebugNetworkModules(value)).toEqual(expected)
  })
})
