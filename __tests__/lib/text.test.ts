import { neutralizeCommands, sanitizeServerText, show, spellingsOf } from '../../src/lib/text.js'
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
    expect(said).toBe('first : :set-output name=x: :y : :error: :z')
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

describe('neutralizeCommands', () => {
  it('breaks both workflow-command syntaxes anywhere in a line, and leaves the text readable', () => {
    expect(neutralizeCommands('x ##[stop-commands]t ::add-mask::y')).toBe('x ## [stop-commands]t : :add-mask: :y')
    expect(neutralizeCommands(':::')).toBe(': : :')
    expect(neutralizeCommands('https://login.example/a:b')).toBe('https://login.example/a:b')
  })

  it.each(['##[stop-commands]', '::set-output name=a::b', '#\n##[group]', '#:##[x]::'])(
    '%s leaves no command',
    text => {
      const out = neutralizeCommands(text)
      expect(out).not.toContain('##[')
      expect(out).not.toContain('::')
    }
  )

  it("breaks Azure Pipelines' ##vso[ anywhere in a line, in any letter case", () => {
    expect(neutralizeCommands('x ##vso[task.setvariable variable=a]b')).toBe('x ##vso [task.setvariable variable=a]b')
    expect(neutralizeCommands('##VSO[task.complete]##Vso[x]')).toBe('##VSO [task.complete]##Vso [x]')
    expect(neutralizeCommands('##vso is fine')).toBe('##vso is fine')
  })

  it.each(['##vso[task.setvariable variable=x]y', 'a ##vsO[task.setsecret]b', '##vso##vso[x]', '##vso\n##vso[x]'])(
    '%s leaves no Azure Pipelines command',
    text => {
      expect(neutralizeCommands(text).toLowerCase()).not.toContain('##vso[')
    }
  )

  it('is applied by sanitizeServerText and show', () => {
    expect(sanitizeServerText('a ##vso[task.setvariable variable=x]b', [])).toBe(
      'a ##vso [task.setvariable variable=x]b'
    )
    expect(show('##vso[task.complete]')).toBe('"##vso [task.complete]"')
    expect(sanitizeServerText('a ##[stop-commands]b', [])).toBe('a ## [stop-commands]b')
    expect(show('x::y')).toBe('"x: :y"')
  })
})

describe('spellingsOf', () => {
  const secret = "Emu8Q~a b'(c)!*"
  it('lists the spellings a request or an echoing server uses: raw, URL, form, lower-case hex, JSON', () => {
    const spellings = spellingsOf([secret])
    expect(spellings).toEqual(
      expect.arrayContaining([
        secret,
        encodeURIComponent(secret),
        new URLSearchParams({ v: secret }).toString().slice(2),
        'Emu8Q%7ea+b%27%28c%29%21*'
      ])
    )
    expect(new URLSearchParams({ v: secret }).toString()).toContain('%7E')
  })

  it('removes the form-encoded spelling from server text', () => {
    const form = new URLSearchParams({ v: secret }).toString().slice(2)
    const lowerHex = form.replace(/%[0-9A-F]{2}/g, hex => hex.toLowerCase())
    expect(sanitizeServerText(`received ${form} and ${lowerHex}`, [secret])).toBe('received [redacted] and [redacted]')
    expect(sanitizeServerText(`json ${JSON.stringify({ s: 'q"uote\\d' })}`, ['q"uote\\d'])).toBe(
      'json {"s":"[redacted]"}'
    )
  })
})
