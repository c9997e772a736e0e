import { describe, expect, it } from '@jest/globals'
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity'
import type { Config, SignIn } from '../src/config.js'
import { ActionError } from '../src/errors.js'
import { decodeJwtPayload, getAccessToken, readTokenClaims } from '../src/token.js'

const FHIR = 'https://ws-fhir.fhir.azurehealthcareapis.com'
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47'

function jwt(payload: unknown): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`
}

function config(signIn: SignIn, resource = FHIR): Config {
  return {
    target: { kind: 'fhir', resource, serviceUrl: resource },
    signIn,
    cloud: 'AzureCloud',
    authorityHost: 'https://login.microsoftonline.com',
    secrets: [],
    warnings: []
  }
}

const secretSignIn: SignIn = { type: 'client-secret', clientId: 'c', tenantId: TENANT, clientSecret: 'x' }

/** A credential answering from a function: the thing under test here is getAccessToken, not a sign-in. */
function credentialOf(answer: (scopes: string | string[], options?: GetTokenOptions) => Promise<AccessToken | null>) {
  const calls: { scopes: string | string[]; options?: GetTokenOptions }[] = []
  const credential: TokenCredential = {
    getToken: (scopes, options) => {
      calls.push({ scopes, ...(options ? { options } : {}) })
      return answer(scopes, options)
    }
  }
  return { credential, calls }
}

const OID = 'c4a1e7d2-3b5f-4a68-9e0d-1f2a3b4c5d6e'
const APP = '8f1d2c3b-4a5e-4f60-8b7a-9c0d1e2f3a4b'

describe('readTokenClaims', () => {
  it('reads a v1 token (appid)', () => {
    const token = jwt({
      aud: FHIR,
      iss: `https://sts.windows.net/${TENANT}/`,
      oid: OID,
      appid: APP,
      tid: TENANT,
      ver: '1.0'
    })
    expect(readTokenClaims(token)).toEqual({
      aud: FHIR,
      iss: `https://sts.windows.net/${TENANT}/`,
      oid: OID,
      appId: APP,
      tenantId: TENANT
    })
  })

  it('reads a v2 token (azp) and the first of several audiences', () => {
    expect(readTokenClaims(jwt({ aud: ['a1', 'a2'], azp: APP, tid: TENANT }))).toEqual({
      aud: 'a1',
      appId: APP,
      tenantId: TENANT
    })
  })

  it('leaves out claims unlike what Entra ID issues, so none can start a workflow command', () => {
    const hostile = `${OID}\n::warning title=INJECTED::x\n::add-mask::Signed`
    const claims = readTokenClaims(
      jwt({ aud: `${FHIR}\n::error::x`, iss: 'x'.repeat(5000), oid: hostile, appid: 'not-a-guid', tid: `${TENANT} ` })
    )
    expect(claims).toEqual({})
  })

  it('leaves out claims that are absent or not text', () => {
    const claims = readTokenClaims(jwt({ oid: 42, appid: '', tid: null }))
    expect(claims).toEqual({})
    expect('oid' in claims).toBe(false)
  })

  it.each(['', 'one-part', 'a.!!!.c', `a.${Buffer.from('[1,2]').toString('base64url')}.c`, 'a.bm90IGpzb24.c'])(
    'reads nothing from the malformed token %j, without throwing',
    token => {
      expect(readTokenClaims(token)).toEqual({})
    }
  )

  it('decodes base64url (the - and _ alphabet, no padding)', () => {
    // '>>>' and '???' encode to characters that differ between base64 and base64url.
    const payload = { sub: '>>>???', n: 1 }
    const encoded = Buffer.from(JSON.stringify(payload)).toString('base64url')
    expect(encoded).toMatch(/[-_]/)
    expect(decodeJwtPayload(`h.${encoded}.s`)).toEqual(payload)
  })
})

describe('getAccessToken', () => {
  it('asks for <resource>/.default and returns the token with its expiry and claims', async () => {
    const token = jwt({ aud: FHIR, oid: OID, appid: APP, tid: TENANT, iss: 'i' })
    const expiresOnTimestamp = Date.parse('2030-01-02T03:04:05Z')
    const { credential, calls } = credentialOf(() => Promise.resolve({ token, expiresOnTimestamp }))
    const issued = await getAccessToken(credential, config(secretSignIn))
    expect(calls).toHaveLength(1)
    expect(calls[0]?.scopes).toBe(`${FHIR}/.default`)
    expect(issued).toEqual({
      token,
      expiresOn: new Date('2030-01-02T03:04:05Z'),
      resource: FHIR,
      claims: { aud: FHIR, oid: OID, appId: APP, tenantId: TENANT, iss: 'i' },
      signInMethod: 'client-secret'
    })
  })

  it('reads the expiry from the token when the credential gives none it can use', async () => {
    const token = jwt({ aud: FHIR, exp: Date.parse('2031-05-06T07:08:09Z') / 1000 })
    const { credential } = credentialOf(() => Promise.resolve({ token, expiresOnTimestamp: Number.NaN }))
    const issued = await getAccessToken(credential, config(secretSignIn))
    expect(issued.expiresOn.toISOString()).toBe('2031-05-06T07:08:09.000Z')
  })

  it('ignores an expiry too far out for a date, from the credential or the token', async () => {
    const token = jwt({ aud: FHIR, exp: Date.parse('2031-05-06T07:08:09Z') / 1000 })
    const { credential } = credentialOf(() => Promise.resolve({ token, expiresOnTimestamp: 1e20 }))
    expect((await getAccessToken(credential, config(secretSignIn))).expiresOn.toISOString()).toBe(
      '2031-05-06T07:08:09.000Z'
    )
    const farOut = credentialOf(() =>
      Promise.resolve({ token: jwt({ aud: FHIR, exp: 1e13 }), expiresOnTimestamp: 1e20 })
    )
    await expect(getAccessToken(farOut.credential, config(secretSignIn))).rejects.toThrow(/without a valid expiry time/)
  })

  it('fails with a clear message when no expiry can be read at all', async () => {
    const { credential } = credentialOf(() =>
      Promise.resolve({ token: jwt({ aud: FHIR }), expiresOnTimestamp: Number.NaN })
    )
    await expect(getAccessToken(credential, config(secretSignIn))).rejects.toThrow(/without a valid expiry time/)
  })

  it('reports the sign-in method of the configuration', async () => {
    const { credential } = credentialOf(() => Promise.resolve({ token: jwt({}), expiresOnTimestamp: 1 }))
    const issued = await getAccessToken(credential, config({ type: 'managed-identity' }))
    expect(issued.signInMethod).toBe('managed-identity')
  })

  it('fails with an ActionError when the sign-in returns no token', async () => {
    const { credential } = credentialOf(() => Promise.resolve(null))
    await expect(getAccessToken(credential, config(secretSignIn))).rejects.toBeInstanceOf(ActionError)
  })

  it('turns any other failure into an ActionError', async () => {
    const { credential } = credentialOf(() =>
      Promise.reject(new Error('AADSTS7000215: Invalid client secret provided.'))
    )
    const error = await getAccessToken(credential, config(secretSignIn)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
  })

  it("removes the configuration's secrets from the explanation of a failure", async () => {
    const echoed = 'Cr3ds~only.in.the.config.secrets'
    const { credential } = credentialOf(() => Promise.reject(new Error(`weird failure echoing ${echoed}`)))
    const error = await getAccessToken(credential, { ...config(secretSignIn), secrets: [echoed] }).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toContain('weird failure echoing [redacted]')
  })

  it('passes an ActionError through as it is', async () => {
    const explained = new ActionError('Title', 'message')
    const { credential } = credentialOf(() => Promise.reject(explained))
    await expect(getAccessToken(credential, config(secretSignIn))).rejects.toBe(explained)
  })

  it('gives up on a sign-in that never ends, names the token endpoint, and aborts the request', async () => {
    let signal: GetTokenOptions['abortSignal']
    const { credential } = credentialOf((_, options) => {
      signal = options?.abortSignal
      return new Promise<never>(() => undefined)
    })
    const started = Date.now()
    const error = await getAccessToken(credential, config(secretSignIn), { timeoutMs: 100 }).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toContain(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`)
    expect(signal?.aborted).toBe(true)
  })
})
