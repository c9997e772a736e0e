// Each sign-in method builds its own @azure/identity class and names what it talks to. The integration tests sign
// in with each of them for real against the emulator.
import { describe, expect, it } from '@jest/globals'
import {
  AzureCliCredential,
  AzurePowerShellCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential
} from '@azure/identity'
import { DEFAULT_LIMITS } from '../../src/signin/pipeline.js'
import { SIGN_IN_METHODS, type SignIn, methodOf } from '../../src/signin/registry.js'
import { CLIENT, MICROSOFT, TENANT } from '../support/ids.ts'

// The class reads the PEM only when a token is asked for.
const CERT_PEM = '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----'
// What startGitHubAssertion hands over for an OIDC sign-in; no request is made for it here.
const github = { getAssertion: () => Promise.resolve('assertion'), state: {}, sent: Promise.resolve() }
const context = { authorityHost: MICROSOFT, limits: DEFAULT_LIMITS, timeoutMs: 60_000, state: {}, github }

describe('each method builds the @azure/identity class of its sign-in', () => {
  const cases: [SignIn, abstract new (...args: never[]) => unknown][] = [
    [
      { type: 'oidc', clientId: CLIENT, tenantId: TENANT, audience: 'api://AzureADTokenExchange' },
      ClientAssertionCredential
    ],
    [{ type: 'client-secret', clientId: CLIENT, tenantId: TENANT, clientSecret: 's3cret' }, ClientSecretCredential],
    [
      { type: 'client-certificate', clientId: CLIENT, tenantId: TENANT, certificatePem: CERT_PEM },
      ClientCertificateCredential
    ],
    [{ type: 'managed-identity' }, ManagedIdentityCredential],
    [{ type: 'managed-identity', clientId: CLIENT }, ManagedIdentityCredential],
    [{ type: 'azure-cli' }, AzureCliCredential],
    [{ type: 'azure-cli', tenantId: TENANT }, AzureCliCredential],
    [{ type: 'azure-powershell', tenantId: TENANT }, AzurePowerShellCredential]
  ]
  it.each(cases)('%o', async (signIn, expected) => {
    await expect(methodOf(signIn).credential(signIn, context)).resolves.toBeInstanceOf(expected)
  })

  it('refuses an OIDC sign-in without its GitHub assertion', async () => {
    const signIn: SignIn = { type: 'oidc', clientId: CLIENT, tenantId: TENANT, audience: 'api://AzureADTokenExchange' }
    await expect(
      methodOf(signIn).credential(signIn, {
        authorityHost: MICROSOFT,
        limits: DEFAULT_LIMITS,
        timeoutMs: 60_000,
        state: {}
      })
    ).rejects.toThrow(/GitHub assertion/)
  })

  it('asks GitHub for a token only for OIDC, for the configured audience', () => {
    const oidc: SignIn = { type: 'oidc', clientId: CLIENT, tenantId: TENANT, audience: 'api://Custom' }
    expect(methodOf(oidc).githubAudience?.(oidc)).toBe('api://Custom')
    const secret: SignIn = { type: 'client-secret', clientId: CLIENT, tenantId: TENANT, clientSecret: 's' }
    expect('githubAudience' in methodOf(secret)).toBe(false)
  })
})

describe('each method names what it talks to', () => {
  it.each<[SignIn, Record<string, string>, string]>([
    [
      { type: 'oidc', clientId: 'c', tenantId: TENANT, audience: 'a' },
      {},
      `https://login.example.test/${TENANT}/oauth2/v2.0/token`
    ],
    [
      { type: 'managed-identity' },
      { IDENTITY_ENDPOINT: 'http://127.0.0.1:41/msi/token' },
      'http://127.0.0.1:41/msi/token'
    ],
    [{ type: 'managed-identity' }, {}, 'http://169.254.169.254/metadata/identity/oauth2/token'],
    [{ type: 'azure-cli' }, {}, 'az account get-access-token'],
    [{ type: 'azure-powershell' }, {}, 'Get-AzAccessToken']
  ])('names what %o talks to', (signIn, env, expected) => {
    expect(methodOf(signIn).endpoint(signIn, 'https://login.example.test', env)).toContain(expected)
  })
})

describe('the registry', () => {
  it('keys each method by a name no other method or alias takes', () => {
    const names = SIGN_IN_METHODS.flatMap(method => [method.type, ...(method.aliases ?? [])])
    expect(new Set(names).size).toBe(names.length)
    expect(names).not.toContain('auto')
    expect(names).not.toContain('service-principal')
  })

  it('finds each method by the type of its own sign-in', () => {
    for (const method of SIGN_IN_METHODS) {
      expect(methodOf({ type: method.type } as SignIn)).toBe(method)
    }
  })
})
