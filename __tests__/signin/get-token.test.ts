import { describe, expect, it, jest } from '@jest/globals'
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity'
import { ActionError } from '../../src/errors.js'
import { explainMissingOidcPermission } from '../../src/signin/explain/index.js'
import { decodeJwtPayload } from '../../src/lib/jwt.js'
import { type SignInDeps, type SignInRequest, getAccessToken } from '../../src/signin/get-token.js'
import { readTokenClaims } from '../../src/signin/issued-token.js'
import type { SignIn } from '../../src/signin/registry.js'
import { TENANT } from '../support/ids.ts'

const FHIR = 'https://ws-fhir.fhir.azurehealthcareapis.com'

function jwt(payload: unknown): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`
}

function request(signIn: SignIn, resource = FHIR): SignInRequest {
  return { signIn, authorityHost: 'https://login.microsoftonline.com', resource, secrets: [] }
}

/** The sign-in's dependencies with the credential given: no GitHub token is asked for with a secret. */
function deps(credential: TokenCredential, extra: Partial<SignInDeps> = {}): SignInDeps {
  return {
    getIDToken: () => Promise.reject(new Error('not expected')),
    info: () => undefined,
    env: {},
    credential,
    ...extra
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
    const issued = await getAccessToken(request(secretSignIn), deps(credential))
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
    const issued = await getAccessToken(request(secretSignIn), deps(credential))
    expect(issued.expiresOn.toISOString()).toBe('2031-05-06T07:08:09.000Z')
  })

  it('ignores an expiry too far out for a date, from the credential or the token', async () => {
    const token = jwt({ aud: FHIR, exp: Date.parse('2031-05-06T07:08:09Z') / 1000 })
    const { credential } = credentialOf(() => Promise.resolve({ token, expiresOnTimestamp: 1e20 }))
    expect((await getAccessToken(request(secretSignIn), deps(credential))).expiresOn.toISOString()).toBe(
      '2031-05-06T07:08:09.000Z'
    )
    const farOut = credentialOf(() =>
      Promise.resolve({ token: jwt({ aud: FHIR, exp: 1e13 }), expiresOnTimestamp: 1e20 })
    )
    await expect(getAccessToken(request(secretSignIn), deps(farOut.credential))).rejects.toThrow(
      /without a valid expiry time/
    )
  })

  it.each([
    ['already expired', jwt({ aud: FHIR }), Date.now() - 3_600_000, /not in the future/],
    ['expiring now', jwt({ aud: FHIR }), Date.now(), /not in the future/],
    ['not a JWT', '12', Date.now() + 3_600_000, /not a JWT/],
    ['a JWT with no claims', jwt({}), Date.now() + 3_600_000, /not a JWT/]
  ])('refuses a token %s: nothing unusable is handed over', async (_name, token, expiresOnTimestamp, pattern) => {
    const { credential } = credentialOf(() => Promise.resolve({ token, expiresOnTimestamp }))
    const error = await getAccessToken(request(secretSignIn), deps(credential)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as ActionError).title).toBe('Sign-in returned an unusable token')
    expect((error as Error).message).toMatch(pattern)
  })

  it('fails with a clear message when no expiry can be read at all', async () => {
    const { credential } = credentialOf(() =>
      Promise.resolve({ token: jwt({ aud: FHIR }), expiresOnTimestamp: Number.NaN })
    )
    await expect(getAccessToken(request(secretSignIn), deps(credential))).rejects.toThrow(/without a valid expiry time/)
  })

  it('reports the sign-in method of the configuration', async () => {
    const { credential } = credentialOf(() =>
      Promise.resolve({ token: jwt({ aud: FHIR }), expiresOnTimestamp: Date.now() + 3_600_000 })
    )
    const issued = await getAccessToken(request({ type: 'managed-identity' }), deps(credential))
    expect(issued.signInMethod).toBe('managed-identity')
  })

  it('fails with an ActionError when the sign-in returns no token', async () => {
    const { credential } = credentialOf(() => Promise.resolve(null))
    await expect(getAccessToken(request(secretSignIn), deps(credential))).rejects.toBeInstanceOf(ActionError)
  })

  it('turns any other failure into an ActionError', async () => {
    const { credential } = credentialOf(() =>
      Promise.reject(new Error('AADSTS7000215: Invalid client secret provided.'))
    )
    const error = await getAccessToken(request(secretSignIn), deps(credential)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
  })

  it("removes the configuration's secrets from the explanation of a failure", async () => {
    const echoed = 'Cr3ds~only.in.the.config.secrets'
    const { credential } = credentialOf(() => Promise.reject(new Error(`weird failure echoing ${echoed}`)))
    const error = await getAccessToken({ ...request(secretSignIn), secrets: [echoed] }, deps(credential)).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toContain('weird failure echoing [redacted]')
  })

  it('gives up on a sign-in that never ends, names the token endpoint, and aborts the request', async () => {
    let signal: GetTokenOptions['abortSignal']
    const { credential } = credentialOf((_, options) => {
      signal = options?.abortSignal
      return new Promise<never>(() => undefined)
    })
    const started = Date.now()
    const error = await getAccessToken(request(secretSignIn), deps(credential, { timeoutMs: 100 })).catch(
      (e: unknown) => e
    )
    expect(Date.now() - started).toBeLessThan(2000)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toContain(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`)
    expect(signal?.aborted).toBe(true)
  })
})

describe('getAccessToken for OIDC', () => {
  const oidc: SignIn = { type: 'oidc', clientId: APP, tenantId: TENANT, audience: 'api://AzureADTokenExchange' }
  const OIDC_ENV = {
    ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example.test/idtoken?api-version=2.0',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
  }

  // Which variables must be present is github-oidc.test.ts's business; here, that the sign-in checks them first.
  it('fails before any request without the id-token permission', async () => {
    const getIDToken = jest.fn<(audience: string) => Promise<string>>()
    const error = await getAccessToken(request(oidc), { getIDToken, info: () => undefined, env: {} }).catch(
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toBe(explainMissingOidcPermission().message)
    expect(getIDToken).not.toHaveBeenCalled()
  })

  it("explains GitHub's failure without the configuration's secrets", async () => {
    const echoed = 'Cr3ds~only.in.the.config.secrets'
    const getIDToken = (): Promise<string> => Promise.reject(new Error(`GitHub said ${echoed}`))
    const error = await getAccessToken(
      { ...request(oidc), secrets: [echoed] },
      { getIDToken, info: () => undefined, env: OIDC_ENV }
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ActionError)
    expect((error as Error).message).toContain('GitHub said [redacted]')
    expect((error as Error).message).not.toContain(echoed)
  })
})

describe('getAccessToken for the other sign-ins', () => {
  it('asks GitHub for nothing, even where the job could ask', async () => {
    const getIDToken = jest.fn<(audience: string) => Promise<string>>()
    const token = jwt({ exp: Math.floor(Date.now() / 1000) + 3600 })
    const { credential } = credentialOf(() => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }))
    const env = {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example.test/idtoken',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't'
    }
    for (const signIn of [secretSignIn, { type: 'managed-identity' } as const]) {
      await getAccessToken(request(signIn), deps(credential, { getIDToken, env }))
    }
    expect(getIDToken).not.toHaveBeenCalled()
  })
})
