// Every sign-in through the real @azure/identity credentials, over real TLS, against the emulator: nothing under test
// is stubbed. OIDC goes through the real core.getIDToken (via the runner's env variables); azure-cli and
// azure-powershell run the stand-in executables in fixtures/bin, which get a genuine token from the emulator.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AppSpec, FaultSpec } from '../../emulator/scenario.ts'
import type { RequestLogEntry } from '../../emulator/index.ts'
import type { Config } from '../../src/config.js'
import { ActionError } from '../../src/errors.js'
import { getAccessToken } from '../../src/signin/get-token.js'
import { type CredentialLimits, DEFAULT_LIMITS } from '../../src/signin/pipeline.js'
import type { SignIn } from '../../src/signin/registry.js'
import type { Target } from '../../src/target/read.js'
import { useEmulator } from '../support/emulator.ts'
import { posixIt } from '../platform.ts'
import { type StdoutCapture, captureStdout } from '../stdout.ts'

const DICOM = 'https://dicom.healthcareapis.azure.com'
const FIXTURE_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'bin')

const em = await useEmulator({ trust: true })
let savedEnv: NodeJS.ProcessEnv
let tmp: string
/** What the code wrote to stdout (workflow commands such as ::add-mask::), kept out of the test report. */
let stdout: StdoutCapture

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'signin-'))
})

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

beforeEach(() => {
  savedEnv = { ...process.env }
  stdout = captureStdout()
})

afterEach(() => {
  stdout.restore()
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) Reflect.deleteProperty(process.env, name)
  Object.assign(process.env, savedEnv)
})

function app(): AppSpec {
  const first = em.scenario.apps[0]
  if (!first) throw new Error('the emulator has no app')
  return first
}

const secret = (): string => app().secrets?.[0]?.value ?? ''

function target(service: 'fhir' | 'dicom'): Target {
  return service === 'fhir'
    ? { kind: 'fhir', resource: new URL(em.fhirUrl).origin, serviceUrl: em.fhirUrl }
    : { kind: 'dicom', resource: DICOM, serviceUrl: `${em.dicomUrl}/v2` }
}

function configFor(signIn: SignIn, service: 'fhir' | 'dicom' = 'fhir'): Config {
  return {
    targets: [target(service)],
    exportVariables: [],
    signIn,
    cloud: 'AzureCloud',
    authorityHost: em.authorityHost,
    waitForAccessMs: 0,
    secrets: [],
    warnings: []
  }
}

const oidc = (): SignIn => ({
  type: 'oidc',
  clientId: app().clientId,
  tenantId: app().tenantId,
  audience: 'api://AzureADTokenExchange'
})
const clientSecret = (value = secret()): SignIn => ({
  type: 'client-secret',
  clientId: app().clientId,
  tenantId: app().tenantId,
  clientSecret: value
})

function useOidcEnv(): void {
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = em.oidcRequestUrl
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = em.oidcRequestToken
}

/** Signs in as the action does and keeps what it logged. */
async function signIn(config: Config, limits: CredentialLimits = DEFAULT_LIMITS, timeoutMs?: number) {
  const { getIDToken } = await import('@actions/core')
  const logged: string[] = []
  const issued = await getAccessToken(
    { ...config, resource: config.targets[0]?.resource ?? '' },
    { getIDToken, info: (line: string) => logged.push(line), limits, ...(timeoutMs === undefined ? {} : { timeoutMs }) }
  )
  return { issued, logged }
}

async function failure(promise: Promise<unknown>): Promise<ActionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!(error instanceof ActionError)) throw new Error(`expected an ActionError, got ${String(error)}`)
  return error
}

const tokenPosts = () => em.requests().filter(r => r.party === 'entra' && r.method === 'POST')
/** From the first request's arrival to the last's, by the emulator's clock. */
const spanMs = (entries: readonly RequestLogEntry[]): number => {
  const times = entries.map(e => e.time)
  return Math.max(...times) - Math.min(...times)
}
const oidcGets = () => em.requests().filter(r => r.party === 'github' && r.path.includes('/idtoken'))

describe('OIDC (workload identity federation)', () => {
  it.each([
    ['fhir', (): string => new URL(em.fhirUrl).origin],
    ['dicom', (): string => DICOM]
  ] as const)('gets a %s token whose aud is the service resource, in one token request', async (service, aud) => {
    useOidcEnv()
    const before = tokenPosts().length
    const { issued, logged } = await signIn(configFor(oidc(), service))
    expect(issued.claims.aud).toBe(aud())
    expect(issued.claims.appId).toBe(app().clientId)
    expect(issued.claims.oid).toBe(app().objectId)
    expect(issued.claims.tenantId).toBe(app().tenantId)
    expect(issued.signInMethod).toBe('oidc')
    expect(issued.expiresOn.getTime()).toBeGreaterThan(Date.now())
    expect(tokenPosts().length - before).toBe(1)
    // The GitHub token's claims are logged before the exchange; core masked the GitHub token itself.
    expect(logged.join('\n')).toContain('sub="repo:contoso/health-pipeline:ref:refs/heads/main"')
    expect(logged.join('\n')).toContain('aud="api://AzureADTokenExchange"')
    const masks = stdout.chunks.filter(line => line.startsWith('::add-mask::'))
    expect(masks).toHaveLength(1)
    expect(logged.join('\n')).not.toContain(masks[0]?.slice('::add-mask::'.length).trim() ?? 'no mask')
  })

  it('fails before any request when the job lacks id-token: write', async () => {
    Reflect.deleteProperty(process.env, 'ACTIONS_ID_TOKEN_REQUEST_URL')
    Reflect.deleteProperty(process.env, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN')
    const before = em.requests().length
    const error = await failure(signIn(configFor(oidc())))
    expect(error.message).toContain('id-token: write')
    expect(em.requests().length).toBe(before)
  })

  it('survives a GitHub OIDC endpoint that answers 503 once', async () => {
    useOidcEnv()
    em.setScenario({ faults: [{ party: 'github', status: 503, times: 1 }] })
    const before = oidcGets().length
    const { issued } = await signIn(configFor(oidc()))
    expect(issued.claims.aud).toBe(new URL(em.fhirUrl).origin)
    expect(oidcGets().length - before).toBe(2)
  })

  it('does not retry a GitHub OIDC endpoint that refuses (401), and signs in nowhere', async () => {
    useOidcEnv()
    em.setScenario({ faults: [{ party: 'github', status: 401, body: 'Bad credentials' }] })
    const error = await failure(signIn(configFor(oidc())))
    expect(error.message).toMatch(/401/)
    expect(oidcGets()).toHaveLength(1)
    expect(tokenPosts()).toHaveLength(0)
  })

  it('gives up on a GitHub OIDC endpoint that never answers, naming it', async () => {
    useOidcEnv()
    em.setScenario({ faults: [{ party: 'github', hang: true }] })
    const before = tokenPosts().length
    const started = Date.now()
    const error = await failure(signIn(configFor(oidc()), { ...DEFAULT_LIMITS, oidcTimeoutMs: 1000 }))
    // The 1 s limit given, not the 20 s default: a loaded machine adds seconds at most, not ten.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(Date.now() - started).toBeLessThan(DEFAULT_LIMITS.oidcTimeoutMs / 2)
    expect(error.message).toContain(`No answer from the GitHub OIDC endpoint ${em.oidcRequestUrl.split('?')[0] ?? ''}`)
    expect(tokenPosts().length - before).toBe(0)
  })

  it('explains a subject the federated credential does not match, quoting the presented subject', async () => {
    useOidcEnv()
    em.setScenario({ github: { claims: { sub: 'repo:contoso/health-pipeline:pull_request' } } })
    const error = await failure(signIn(configFor(oidc())))
    expect(error.message).toMatch(/AADSTS7002\d*/)
    expect(error.message).toContain('repo:contoso/health-pipeline:pull_request')
  })
})

describe('client secret and certificate', () => {
  it.each(['fhir', 'dicom'] as const)('client secret gets a %s token in one token request', async service => {
    const before = tokenPosts().length
    const { issued } = await signIn(configFor(clientSecret(), service))
    expect(issued.claims.aud).toBe(service === 'fhir' ? new URL(em.fhirUrl).origin : DICOM)
    expect(issued.claims.oid).toBe(app().objectId)
    expect(tokenPosts().length - before).toBe(1)
  })

  it('client certificate (PEM with key and certificate) gets a FHIR token', async () => {
    const certificatePem = app().certificatePem
    if (!certificatePem) throw new Error('the emulator made no certificate')
    const { issued } = await signIn(
      configFor({ type: 'client-certificate', clientId: app().clientId, tenantId: app().tenantId, certificatePem })
    )
    expect(issued.claims.aud).toBe(new URL(em.fhirUrl).origin)
    expect(issued.claims.appId).toBe(app().clientId)
    expect(issued.signInMethod).toBe('client-certificate')
  })

  it('a wrong secret is refused with the AADSTS code, and not retried', async () => {
    const before = tokenPosts().length
    const error = await failure(signIn(configFor(clientSecret('not-the-secret'))))
    expect(error.message).toContain('AADSTS7000215')
    expect(error.message).not.toContain('not-the-secret')
    expect(tokenPosts().length - before).toBe(1)
  })
})

describe('managed identity', () => {
  beforeEach(() => {
    process.env.IDENTITY_ENDPOINT = em.managedIdentityEndpoint
    process.env.IDENTITY_HEADER = em.managedIdentityHeader
  })

  it('system-assigned identity gets a FHIR token', async () => {
    const system = em.scenario.managedIdentities.find(mi => mi.kind === 'system')
    const { issued } = await signIn(configFor({ type: 'managed-identity' }))
    expect(issued.claims.aud).toBe(new URL(em.fhirUrl).origin)
    expect(issued.claims.oid).toBe(system?.objectId)
  })

  it('a user-assigned identity is picked by its client ID, for DICOM', async () => {
    const user = em.scenario.managedIdentities.find(mi => mi.kind === 'user')
    if (!user) throw new Error('the emulator has no user-assigned identity')
    const { issued } = await signIn(configFor({ type: 'managed-identity', clientId: user.clientId }, 'dicom'))
    expect(issued.claims.aud).toBe(DICOM)
    expect(issued.claims.oid).toBe(user.objectId)
  })
})

describe('azure-cli and azure-powershell, through stand-in executables', () => {
  const standInIt = posixIt(
    'the azure-cli and azure-powershell sign-ins through the stand-ins in __tests__/fixtures/bin',
    'The stand-in az and pwsh are bash scripts; on Windows @azure/identity starts only az.cmd or pwsh.exe ' +
      '(@azure/core-process refuses other files). The real CLI paths are covered on Linux.'
  )

  beforeEach(() => {
    // The stand-ins run under the Node that runs the tests (Node 24 strips their types).
    process.env.PATH = [FIXTURE_BIN, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter)
  })

  function logIn(): void {
    const session = join(tmp, 'session.json')
    writeFileSync(
      session,
      JSON.stringify({
        authorityHost: em.authorityHost,
        tenantId: app().tenantId,
        clientId: app().clientId,
        clientSecret: secret(),
        caPem: em.caCertPem
      })
    )
    process.env.STANDIN_AZURE_SESSION = session
  }

  standInIt.each([
    ['azure-cli', 'fhir'],
    ['azure-cli', 'dicom'],
    ['azure-powershell', 'fhir'],
    ['azure-powershell', 'dicom']
  ] as const)('%s gets a genuine %s token from the session', async (type, service) => {
    logIn()
    const before = tokenPosts().length
    const { issued } = await signIn(configFor({ type, tenantId: app().tenantId }, service))
    expect(issued.claims.aud).toBe(service === 'fhir' ? new URL(em.fhirUrl).origin : DICOM)
    expect(issued.claims.oid).toBe(app().objectId)
    expect(issued.signInMethod).toBe(type)
    // The token came from the emulator, through the tool: it is genuine, not made up by the stand-in.
    expect(tokenPosts().length - before).toBe(1)
    expect(Math.abs(issued.expiresOn.getTime() - Date.now() - 3600_000)).toBeLessThan(120_000)
  })

  standInIt.each([
    ['azure-cli', /not logged in/],
    ['azure-powershell', /not logged in/]
  ] as const)('%s without a session says to log in first', async (type, pattern) => {
    Reflect.deleteProperty(process.env, 'STANDIN_AZURE_SESSION')
    const error = await failure(signIn(configFor({ type })))
    expect(error.title).toMatch(pattern)
  })
})

describe('faults at the token endpoint', () => {
  const tokenPath = (): string => `/${app().tenantId}/oauth2/v2.0/token`
  const withFaults = (faults: FaultSpec[]): void => {
    em.setScenario({ faults })
  }

  it.each<[string, FaultSpec]>([
    ['503', { status: 503 }],
    ['500 with an HTML page', { status: 500, body: '<html>oops</html>' }],
    ['a reset connection', { reset: true }]
  ])('retries a transient failure (%s) and succeeds, quickly', async (_, fault) => {
    withFaults([{ party: 'entra', method: 'POST', pathPrefix: tokenPath(), times: 1, ...fault }])
    const { issued } = await signIn(configFor(clientSecret()))
    expect(issued.claims.aud).toBe(new URL(em.fhirUrl).origin)
    const posts = tokenPosts()
    expect(posts).toHaveLength(2)
    // Quickly: the retry follows within the capped retry delay, timed between the requests, not the sign-in setup.
    expect(spanMs(posts)).toBeLessThan(DEFAULT_LIMITS.maxRetryDelayMs)
  })

  it('gives up after a few quick retries when the endpoint keeps failing', async () => {
    withFaults([{ party: 'entra', method: 'POST', pathPrefix: tokenPath(), status: 503 }])
    await failure(signIn(configFor(clientSecret())))
    const posts = tokenPosts()
    expect(posts).toHaveLength(DEFAULT_LIMITS.maxRetries + 1)
    // Each retry waits at most the capped delay.
    expect(spanMs(posts)).toBeLessThan(DEFAULT_LIMITS.maxRetries * DEFAULT_LIMITS.maxRetryDelayMs)
  })

  it('retries a 429 with a long Retry-After soon, not after the minute it asks for', async () => {
    withFaults([
      {
        party: 'entra',
        method: 'POST',
        pathPrefix: tokenPath(),
        status: 429,
        headers: { 'Retry-After': '60' },
        times: 1
      }
    ])
    const { issued } = await signIn(configFor(clientSecret()))
    expect(issued.claims.aud).toBe(new URL(em.fhirUrl).origin)
    const posts = tokenPosts()
    expect(posts.map(r => r.status)).toEqual([429, 200])
    // The capped delay (plus a second for the answer and a loaded machine), nowhere near the 60 s asked for.
    expect(spanMs(posts)).toBeLessThan(DEFAULT_LIMITS.maxRetryDelayMs + 1000)
  })

  it('does not retry a 400 answer', async () => {
    withFaults([
      {
        party: 'entra',
        method: 'POST',
        pathPrefix: tokenPath(),
        status: 400,
        body: {
          error: 'invalid_client',
          error_description: 'AADSTS700016: Application with identifier was not found in the directory.',
          error_codes: [700016]
        }
      }
    ])
    const before = tokenPosts().length
    const error = await failure(signIn(configFor(clientSecret())))
    expect(error.message).toContain('AADSTS700016')
    expect(tokenPosts().length - before).toBe(1)
  })

  it('fails in bounded time when the token endpoint hangs, naming the endpoint', async () => {
    withFaults([{ party: 'entra', method: 'POST', pathPrefix: tokenPath(), hang: true }])
    const started = Date.now()
    const error = await failure(signIn(configFor(clientSecret()), { ...DEFAULT_LIMITS, requestTimeoutMs: 1000 }))
    const ended = Date.now()
    expect(ended - started).toBeGreaterThanOrEqual(1000)
    expect(error.message).toContain(`${em.authorityHost}${tokenPath()}`)
    expect(error.title).toMatch(/timed out/)
    const posts = tokenPosts()
    expect(posts).toHaveLength(1)
    // The 1 s limit given, not the 10 s default, timed from the hung request's arrival.
    expect(ended - (posts[0]?.time ?? 0)).toBeLessThan(DEFAULT_LIMITS.requestTimeoutMs / 2)
  })
})
