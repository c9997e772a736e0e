import { sanitizeServerText } from '../../src/lib/text.js'
import { CONTROL_CHARACTERS } from '../../src/lib/guards.js'

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

describe('CONTROL_CHARACTERS', () => {
  it.each([
    ['a newline', '\n'],
    ['NEL (C1)', '\u0085'],
    ['CSI (C1)', '\u009b'],
    ['a bidi override', '\u202e'],
    ['a bidi isolate', '\u2067'],
    ['the line separator', '\u2028']
  ])('finds %s', (_name, character) => {
    expect(CONTROL_CHARACTERS.test(`a${character}b`)).toBe(true)
    expect(sanitizeServerText(`a${character}b`, [])).toBe('a b')
  })

  it('leaves ordinary text, accents and other scripts alone', () => {
    expect(CONTROL_CHARACTERS.test('Patient?_count=1 café 患者 ✅')).toBe(false)
  })
})
