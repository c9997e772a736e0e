// Reading and explaining the sign-ins of self-hosted runners on Kubernetes and of sovereign clouds: workload identity
// from the webhook's environment, auto's order, the per-cloud OIDC audience, and the stale Azure CLI session.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity'
import { ServerError } from '@azure/msal-node'
import { type Config, readConfig } from '../../src/config.js'
import { InputError } from '../../src/errors.js'
import { expiredFederatedCliLogin } from '../../src/signin/azure-cli-session.js'
import { explainSignInFailure } from '../../src/signin/explain/index.js'
import { explainStaleSession } from '../../src/signin/explain/stale-session.js'
import type { SignInContext } from '../../src/signin/explain/context.js'
import { methodOf, type SignIn } from '../../src/signin/registry.js'
import { federatedAudienceFor } from '../../src/target/clouds.js'
import { CLIENT, MICROSOFT, TENANT } from '../support/ids.ts'

const FHIR_URL = 'https://myws-myfhir.fhir.azurehealthcareapis.com'
const OTHER_CLIENT = '0b1d5c1e-6f4a-4c1b-9a0e-2f3d4c5b6a79'
const TOKEN_FILE = '/var/run/secrets/azure/tokens/azure-identity-token'
const WEBHOOK_ENV = {
  AZURE_FEDERATED_TOKEN_FILE: TOKEN_FILE,
  AZURE_CLIENT_ID: CLIENT,
  AZURE_TENANT_ID: TENANT,
  AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.com/'
}

const read = (inputs: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = {}): Config =>
  readConfig(name => inputs[name] ?? '', env)

function inputError(inputs: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = {}): InputError {
  try {
    read(inputs, env)
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('readConfig accepted the inputs')
}

describe('auth-type workload-identity', () => {
  it('reads the token file and the IDs the webhook injects, and its sign-in host', () => {
    const config = read({ 'fhir-url': FHIR_URL, 'auth-type': 'workload-identity' }, WEBHOOK_ENV)
    expect(config.signIn).toEqual({
      type: 'workload-identity',
      clientId: CLIENT,
      tenantId: TENANT,
      tokenFile: TOKEN_FILE
    })
    expect(config.authorityHost).toBe('https://login.microsoftonline.com')
  })

  it('lets client-id, tenant-id and authority-host take precedence over the environment', () => {
    const config = read(
      {
        'fhir-url': FHIR_URL,
        'auth-type': 'workload-identity',
        'client-id': OTHER_CLIENT,
        'tenant-id': 'contoso.onmicrosoft.com',
        'authority-host': 'https://login.microsoftonline.us'
      },
      { ...WEBHOOK_ENV, AZURE_AUTHORITY_HOST: 'https://login.chinacloudapi.cn/' }
    )
    expect(config.signIn).toMatchObject({ clientId: OTHER_CLIENT, tenantId: 'contoso.onmicrosoft.com' })
    expect(config.authorityHost).toBe('https://login.microsoftonline.us')
  })

  it('without the token file variable, says how the pod gets one', () => {
    const error = inputError({ 'fhir-url': FHIR_URL, 'auth-type': 'workload-identity' }, { AZURE_CLIENT_ID: CLIENT })
    expect(error.input).toBe('auth-type')
    expect(error.message).toContain('AZURE_FEDERATED_TOKEN_FILE is not set')
    expect(error.message).toContain('azure.workload.identity/use')
  })

  it.each([
    [{ AZURE_CLIENT_ID: undefined }, 'client-id', /AZURE_CLIENT_ID is not set/],
    [{ AZURE_TENANT_ID: undefined }, 'tenant-id', /AZURE_TENANT_ID is not set/],
    [{ AZURE_CLIENT_ID: 'not-a-guid' }, 'client-id', /AZURE_CLIENT_ID is not a GUID/],
    [
      { AZURE_AUTHORITY_HOST: 'http://login.example/' },
      'authority-host',
      /AZURE_AUTHORITY_HOST .* is not an https origin/
    ]
  ])('a missing or bad %j is refused naming %s', (change, input, message) => {
    const error = inputError({ 'fhir-url': FHIR_URL, 'auth-type': 'workload-identity' }, { ...WEBHOOK_ENV, ...change })
    expect(error.input).toBe(input)
    expect(error.message).toMatch(message)
  })

  it('refuses a credential input it does not use', () => {
    const error = inputError(
      { 'fhir-url': FHIR_URL, 'auth-type': 'workload-identity', 'client-secret': 'Xy8Q~fake.client-secret_value.0123' },
      WEBHOOK_ENV
    )
    expect(error.input).toBe('client-secret')
  })
})

describe("auto's order with a projected token file", () => {
  it('picks workload-identity when no credential input is given', () => {
    expect(read({ 'fhir-url': FHIR_URL }, WEBHOOK_ENV).signIn.type).toBe('workload-identity')
    // client-id and tenant-id are IDs, not credentials: they still override the webhook's.
    expect(
      read({ 'fhir-url': FHIR_URL, 'client-id': OTHER_CLIENT, 'tenant-id': TENANT }, WEBHOOK_ENV).signIn
    ).toMatchObject({ type: 'workload-identity', clientId: OTHER_CLIENT })
  })

  it('keeps a client secret, and GitHub OIDC for a job that may ask GitHub for a token', () => {
    const secret = {
      'fhir-url': FHIR_URL,
      'client-id': CLIENT,
      'tenant-id': TENANT,
      'client-secret': 'Xy8Q~fake.secret_value.0123456'
    }
    expect(read(secret, WEBHOOK_ENV).signIn.type).toBe('client-secret')
    const oidcJob = {
      ...WEBHOOK_ENV,
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.example/idtoken?api-version=2.0'
    }
    expect(read({ 'fhir-url': FHIR_URL, 'client-id': CLIENT, 'tenant-id': TENANT }, oidcJob).signIn.type).toBe('oidc')
    // Without client-id and tenant-id there is no OIDC to sign in with: the pod's identity it is.
    expect(read({ 'fhir-url': FHIR_URL }, oidcJob).signIn.type).toBe('workload-identity')
  })

  it('is OIDC as before without the token file', () => {
    expect(read({ 'fhir-url': FHIR_URL, 'client-id': CLIENT, 'tenant-id': TENANT }, {}).signIn.type).toBe('oidc')
  })
})

describe('the OIDC audience per cloud', () => {
  it.each([
    ['AzureCloud', 'api://AzureADTokenExchange'],
    ['AzureUSGovernment', 'api://AzureADTokenExchangeUSGov'],
    ['AzureChinaCloud', 'api://AzureADTokenExchangeChina']
  ] as const)('%s: audience defaults to %s; a given audience is kept', (environment, audience) => {
    expect(federatedAudienceFor(environment)).toBe(audience)
    const oidc = {
      'client-id': CLIENT,
      'tenant-id': TENANT,
      resource: 'https://example.azurehealthcareapis.com',
      environment
    }
    expect(read(oidc).signIn).toMatchObject({ type: 'oidc', audience })
    expect(read({ ...oidc, audience: 'api://custom' }).signIn).toMatchObject({ audience: 'api://custom' })
  })
})

/** What the token endpoint's refusal looks like once @azure/identity has wrapped it. */
function refusal(code: string, sentence: string): Error {
  const number = code.replace('AADSTS', '')
  const message = `Error(s): ${number} - Description: ${code}: ${sentence} Trace ID: t - Correlation ID: c`
  const server = new ServerError('invalid_client', 'c', message, '', number)
  return new AuthenticationRequiredError({ scopes: [`${FHIR_URL}/.default`], message: server.message, cause: server })
}

function contextOf(signIn: SignIn, extra: Partial<SignInContext> = {}): SignInContext {
  const method = methodOf(signIn)
  return {
    signIn,
    resource: FHIR_URL,
    authorityHost: MICROSOFT,
    endpoint: method.endpoint(signIn, MICROSOFT, {}),
    secrets: [],
    explainOwn: error => method.explain?.(error, signIn, []),
    ...extra
  }
}

describe('explanations', () => {
  it('a mismatched service account names the Kubernetes subject form and the command for this pod', () => {
    const signIn: SignIn = { type: 'workload-identity', clientId: CLIENT, tenantId: TENANT, tokenFile: TOKEN_FILE }
    const issuer = 'https://oidc.prod-aks.azure.com/0000/'
    const explained = explainSignInFailure(
      refusal(
        'AADSTS700213',
        "No matching federated identity record found for presented assertion subject 'system:serviceaccount:ci:runner'."
      ),
      contextOf(signIn, {
        assertionClaims: { iss: issuer, sub: 'system:serviceaccount:ci:runner', aud: ['api://AzureADTokenExchange'] }
      })
    )
    expect(explained.message).toContain(
      "No federated credential on the app registration has the service account's subject."
    )
    expect(explained.message).toContain('system:serviceaccount:NAMESPACE:NAME')
    expect(explained.message).toContain("subject 'system:serviceaccount:ci:runner'")
    expect(explained.message).toContain(`az ad app federated-credential create --id '${CLIENT}'`)
    expect(explained.message).toContain(`"issuer":"${issuer}"`)
    expect(explained.message).not.toContain('repo:OWNER/REPO')
  })

  it.each(['azure-cli', 'azure-powershell'] as const)(
    "AADSTS700024 from %s is a stale session made from a GitHub OIDC token, fixed by this action's own OIDC",
    type => {
      const explained = explainSignInFailure(
        new Error(
          'ERROR: AADSTS700024: Client assertion is not within its valid time range. Current time: 2025-03-14T09:26:53Z, expiry time of assertion 2025-03-14T09:15:01Z.'
        ),
        contextOf({ type })
      )
      expect(explained.title).toBe('Sign-in refused (AADSTS700024)')
      expect(explained.message).toContain('made from a GitHub OIDC token')
      expect(explained.message).toContain('cannot renew')
      expect(explained.message).toContain("Fix: Sign in with this action's own OIDC instead")
      expect(explained.message).toContain('client-id and tenant-id')
      expect(explained.message).not.toContain('sign in early')
    }
  )

  it("AADSTS700024 of the action's own OIDC keeps its clock advice", () => {
    const explained = explainSignInFailure(
      refusal('AADSTS700024', 'Client assertion is not within its valid time range.'),
      contextOf({ type: 'oidc', clientId: CLIENT, tenantId: TENANT, audience: 'api://AzureADTokenExchange' })
    )
    expect(explained.message).toContain('sign in early')
  })

  it("the fix command of a GitHub mismatch uses the cloud's audience when the token was not read", () => {
    const signIn: SignIn = {
      type: 'oidc',
      clientId: CLIENT,
      tenantId: TENANT,
      audience: 'api://AzureADTokenExchangeUSGov'
    }
    const explained = explainSignInFailure(
      refusal(
        'AADSTS700213',
        "No matching federated identity record found for presented assertion subject 'repo:contoso/app:ref:refs/heads/main'."
      ),
      contextOf(signIn, {
        cloud: 'AzureUSGovernment',
        githubClaims: {
          iss: 'https://token.actions.githubusercontent.com',
          sub: 'repo:contoso/app:ref:refs/heads/main'
        }
      })
    )
    expect(explained.message).toContain('"audiences":["api://AzureADTokenExchangeUSGov"]')
  })
})

describe('a CLI session made from a GitHub OIDC token', () => {
  const jwtWith = (payload: unknown): string => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`

  function configDir(entries: unknown): string {
    const dir = mkdtempSync(join(tmpdir(), 'az-config-'))
    writeFileSync(join(dir, 'service_principal_entries.json'), JSON.stringify(entries))
    return dir
  }

  it('is found expired in the CLI store, and only then', () => {
    const now = 2_000_000_000_000
    const federated = configDir([
      { client_id: CLIENT, tenant: TENANT, client_assertion: jwtWith({ exp: now / 1000 - 60 }) }
    ])
    expect(expiredFederatedCliLogin({ AZURE_CONFIG_DIR: federated }, now)).toBe(now - 60_000)
    const fresh = configDir([
      { client_id: CLIENT, tenant: TENANT, client_assertion: jwtWith({ exp: now / 1000 + 60 }) }
    ])
    expect(expiredFederatedCliLogin({ AZURE_CONFIG_DIR: fresh }, now)).toBeUndefined()
    const secret = configDir([{ client_id: CLIENT, tenant: TENANT, client_secret: 'x' }])
    expect(expiredFederatedCliLogin({ AZURE_CONFIG_DIR: secret }, now)).toBeUndefined()
    expect(expiredFederatedCliLogin({ AZURE_CONFIG_DIR: join(tmpdir(), 'no-such-az-config') }, now)).toBeUndefined()
  })

  // POSIX only: Windows has no FIFOs of this kind. In a child process with a time limit: a read that blocks would
  // otherwise hold this test's worker for good instead of failing it.
  const posixIt = process.platform === 'win32' ? it.skip : it
  posixIt('reads a FIFO in place of the store without waiting for a writer, finding nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'az-config-'))
    spawnSync('mkfifo', [join(dir, 'service_principal_entries.json')])
    const module = resolve('src/signin/azure-cli-session.ts')
    const script =
      `import(${JSON.stringify(module)}).then(({ expiredFederatedCliLogin }) => ` +
      `console.log(String(expiredFederatedCliLogin({ AZURE_CONFIG_DIR: ${JSON.stringify(dir)} }, Date.now()))))`
    const run = spawnSync(resolve('node_modules/.bin/tsx'), ['--eval', script], { encoding: 'utf8', timeout: 20_000 })
    expect({ signal: run.signal, stdout: run.stdout.trim() }).toEqual({ signal: null, stdout: 'undefined' })
  })

  it("turns the library's 'not logged in' into the stale-session explanation, never quoting the stored token", () => {
    const unavailable = new CredentialUnavailableError(
      "Please run 'az login' from a command prompt to authenticate before using this credential."
    )
    const explained = explainStaleSession(unavailable, 'azure-cli', [], Date.parse('2025-03-14T09:15:01Z'))
    expect(explained?.title).toBe('Sign-in refused (AADSTS700024)')
    expect(explained?.message).toContain('az login --federated-token')
    expect(explained?.message).toContain('2025-03-14T09:15:01.000Z')
    expect(explained?.message).toContain("Fix: Sign in with this action's own OIDC instead")
    expect(explainStaleSession(unavailable, 'azure-cli', [], undefined)).toBeUndefined()
  })
})
