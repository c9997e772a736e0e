import { sanitizeServerText } from '../src/server-text.js'

describe('sanitizeServerText', () => {
  const secret = 'Emu8Q~a+secret/with=signs'

  it('removes a secret in every spelling a server could echo it in', () => {
    const echoed = `raw ${secret} url ${encodeURIComponent(secret)} form ${encodeURIComponent(secret).replace(/%20/g, '+')}`
    const said = sanitizeServerText(echoed, [secret])
    expect(said).toBe('raw [redacted] url [redacted] form [redacted]')
  })

  it('removes tokens, PEM blocks and credential fields even when not told about them', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ'
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----'
    const said = sanitizeServerText(`token ${jwt} key ${pem} client_secret=abc123&x=1`, [])
    expect(said).toBe('token [redacted] key [redacted] client_secret=[redacted]&x=1')
  })

  it('puts everything on one line so no server text can start a workflow command', () => {
    const said = sanitizeServerText('first\n::set-output name=x::y\r\n\u2028::error::z', [])
    expect(said).toBe('first ::set-output name=x::y ::error::z')
  })

  it('bounds the length', () => {
    expect(sanitizeServerText('y'.repeat(50), [], 10)).toBe(`${'y'.repeat(10)}…`)
    expect(sanitizeServerText('y'.repeat(5000), [])).toHaveLength(1001)
  })
})
