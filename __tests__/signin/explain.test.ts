import { describe, expect, it } from '@jest/globals'
import { AbortError } from '@azure/abort-controller'
import { AuthenticationError, AuthenticationRequiredError, CredentialUnavailableError } from '@azure/identity'
// The classes @azure/identity wraps: MSAL's ServerError carries the token endpoint's answer, ClientAuthError a
// failure to reach it. Building errors from them reproduces what the credential really throws.
import { ClientAuthError, ServerError } from '@azure/msal-node'
import type { SignIn } from '../../src/signin/registry.js'
import { ActionError } from '../../src/errors.js'
import { SIGN_IN_ERRORS } from '../../src/signin/explain/sign-in-errors.js'
import type { SignInContext } from '../../src/signin/explain/context.js'
import { explainMissingOidcPermission, explainSignInFailure } from '../../src/signin/explain/index.js'
import { methodOf } from '../../src/signin/registry.js'
import { DeadlineError } from '../../src/lib/deadline.js'
import { secretInputValues } from '../../src/inputs.js'
import { CLIENT, MICROSOFT, TENANT } from '../support/ids.ts'

const TRACE = 'c4f0e0a2-8d1b-4f7e-9a3c-2b1d0e9f8a7b'
const CORRELATION = 'e7d6c5b4-a3f2-4e1d-8c0b-9a8f7e6d5c4b'
const TIMESTAMP = '2025-03-14 09:26:53Z'
const FHIR_URL = 'https://contosows-fhirdata.fhir.azurehealthcareapis.com'
const SECRET = 'Xy8Q~r4nd0m.S3cret_value-Abc123~zz'
const SCOPES = [`${FHIR_URL}/.default`]
const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'
const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange'

const secretSignIn: SignIn = { type: 'client-secret', clientId: CLIENT, tenantId: TENANT, clientSecret: SECRET }
const oidcSignIn: SignIn = { type: 'oidc', clientId: CLIENT, tenantId: TENANT, audience: DEFAULT_AUDIENCE }

/** A sign-in of each auth-type an explanation may be made for. */
function signInOfType(type: string): SignIn {
  switch (type) {
    case 'oidc':
      return oidcSignIn
    case 'client-secret':
      return secretSignIn
    case 'workload-identity':
      return {
        type,
        clientId: CLIENT,
        tenantId: TENANT,
        tokenFile: '/var/run/secrets/azure/tokens/azure-identity-token'
      }
    case 'azure-cli':
    case 'azure-powershell':
      return { type }
    case 'azure-pipelines':
      return {
        type,
        clientId: CLIENT,
        tenantId: TENANT,
        serviceConnectionId: '5f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190',
        oidcRequestUri: 'https://dev.azure.com/contoso/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken',
        systemAccessToken: 'system-access-token-sample'
      }
    case 'federated-token':
      return { type, clientId: CLIENT, tenantId: TENANT, source: { file: '/run/ci/id-token' } }
    default:
      throw new Error(`no sample sign-in for ${type}`)
  }
}

/** The secrets the action would have read from the inputs of this sign-in (Config.secrets). */
function secretsFor(signIn: SignIn): string[] {
  const inputs: Record<string, string> = {
    'client-secret': signIn.type === 'client-secret' ? signIn.clientSecret : '',
    'client-certificate': signIn.type === 'client-certificate' ? signIn.certificatePem : ''
  }
  return secretInputValues(name => inputs[name] ?? '')
}

/** The context the sign-in explains a failure in: the method's endpoint and its own reading of failures. */
function context(signIn: SignIn, extra: Partial<SignInContext> = {}): SignInContext {
  const method = methodOf(signIn)
  const secrets = secretsFor(signIn)
  return {
    signIn,
    resource: FHIR_URL,
    authorityHost: MICROSOFT,
    endpoint: method.endpoint(signIn, MICROSOFT, {}),
    secrets,
    explainOwn: error => method.explain?.(error, signIn, secrets),
    ...extra
  }
}

/** What Microsoft Entra ID puts in error_description: the AADSTS sentence, then trace, correlation and timestamp. */
function entraDescription(code: string, sentence: string): string {
  return `${code}: ${sentence} Trace ID: ${TRACE} Correlation ID: ${CORRELATION} Timestamp: ${TIMESTAMP}`
}

/**
 * The error a credential throws when the token endpoint answers with an error: MSAL's ServerError (message
 * `error: Error(s): ... - Description: ... - Correlation ID: ... - Trace ID: ...`) wrapped by @azure/identity in an
 * AuthenticationRequiredError carrying the same message.
 */
function tokenEndpointError(code: string, sentence: string, oauthError = 'invalid_request', status = 400): Error {
  const number = Number(code.replace('AADSTS', ''))
  const description = entraDescription(code, sentence)
  const errString =
    `Error(s): ${String(number)} - Timestamp: ${TIMESTAMP} - Description: ${description} - ` +
    `Correlation ID: ${CORRELATION} - Trace ID: ${TRACE}`
  // MSAL passes error_codes[0] from the JSON answer, a number, although its type says string.
  const server = new ServerError(oauthError, CORRELATION, errString, '', number as unknown as string, status)
  return new AuthenticationRequiredError({ scopes: SCOPES, message: server.message, cause: server })
}

const SENTENCES: Readonly<Record<string, string>> = {
  AADSTS70021:
    `No matching federated identity record found for presented assertion. Assertion Issuer: '${GITHUB_ISSUER}'. ` +
    `Assertion Subject: 'repo:contoso/fhir-app:ref:refs/heads/main'. Assertion Audience: '${DEFAULT_AUDIENCE}'. ` +
    'https://learn.microsoft.com/entra/workload-id/workload-identity-federation',
  AADSTS700211: `No matching federated identity record found for presented assertion issuer '${GITHUB_ISSUER}/contoso-ent'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
  AADSTS700212: `No matching federated identity record found for presented assertion audience 'api://AzureADTokenExchangeUSGov'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
  AADSTS700213:
    "No matching federated identity record found for presented assertion subject 'repo:contoso/fhir-app:environment:Production'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.",
  AADSTS7002138:
    "The presented assertion's subject 'repo:Contoso/FHIR-app:ref:refs/heads/main' matched a federated identity credential only case-insensitively. Matching is case-sensitive.",
  AADSTS700024:
    'Client assertion is not within its valid time range. Current time: 2025-03-14T09:26:53Z, assertion valid from 2025-03-14T09:10:01Z, expiry time of assertion 2025-03-14T09:15:01Z.',
  AADSTS7000215: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${CLIENT}'.`,
  AADSTS7000222: `The provided client secret keys for app '${CLIENT}' are expired. Visit the Azure portal to create new keys for your app.`,
  AADSTS700016: `Application with identifier '${CLIENT}' was not found in the directory '${TENANT}'. This can happen if the application has not been installed by the administrator of the tenant.`,
  AADSTS700027: 'The certificate with identifier used to sign the client assertion is not registered on application.',
  AADSTS500011: `The resource principal named ${FHIR_URL} was not found in the tenant named ${TENANT}.`,
  AADSTS650057:
    "Invalid resource. The client has requested access to a resource which is not listed in the requested permissions in the client's application registration.",
  AADSTS90002: `Tenant '${TENANT}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  AADSTS900023:
    "Specified tenant identifier 'contoso-not-a-tenant' is neither a valid DNS name, nor a valid external domain."
}

const STATUS: Readonly<Record<string, [string, number]>> = {
  AADSTS7000215: ['invalid_client', 401],
  AADSTS7000222: ['invalid_client', 401],
  AADSTS700027: ['invalid_client', 401],
  AADSTS700016: ['unauthorized_client', 400],
  AADSTS500011: ['invalid_resource', 400],
  AADSTS650057: ['invalid_client', 400],
  AADSTS90002: ['invalid_request', 400]
}

function errorFor(code: string): Error {
  const sentence = SENTENCES[code]
  if (!sentence) throw new Error(`no sample sentence for ${code}`)
  const [oauthError, status] = STATUS[code] ?? ['invalid_request', 400]
  return tokenEndpointError(code, sentence, oauthError, status)
}

/** The `az ad app federated-credential create` line, its --id and its JSON parameters (shell quoting undone). */
function federatedCommand(message: string): { id: string; parameters: Record<string, unknown> } {
  const line = message.split('\n').find(l => l.trim().startsWith('az ad app federated-credential create'))
  if (!line) throw new Error(`no federated-credential command in:\n${message}`)
  const match = /--id '([^']*)' --parameters '((?:[^']|'\\'')*)'$/.exec(line.trim())
  if (!match) throw new Error(`unexpected command shape: ${line}`)
  const json = (match[2] ?? '').replace(/'\\''/g, "'")
  return { id: match[1] ?? '', parameters: JSON.parse(json) as Record<string, unknown> }
}

describe('SIGN_IN_ERRORS', () => {
  it('covers every AADSTS code in the service facts, once each, with a sentence and a fix', () => {
    const codes = SIGN_IN_ERRORS.map(entry => entry.code)
    for (const code of Object.keys(SENTENCES)) expect(codes).toContain(code)
    // Once for every auth-type: a code may have one general entry and entries made for some auth-types.
    const keys = SIGN_IN_ERRORS.map(entry => `${entry.code} ${entry.authTypes?.join(',') ?? '*'}`)
    expect(new Set(keys).size).toBe(keys.length)
    for (const code of new Set(codes)) {
      expect(SIGN_IN_ERRORS.filter(entry => entry.code === code && entry.authTypes === undefined)).toHaveLength(1)
    }
    for (const entry of SIGN_IN_ERRORS) {
      expect(entry.code).toMatch(/^AADSTS\d{5,8}$/)
      expect([400, 401]).toContain(entry.http)
      expect(entry.summary.length).toBeGreaterThan(20)
      expect(entry.fix.length).toBeGreaterThan(20)
      // One line each and no pipe: the README table is built from these.
      expect(`${entry.summary}${entry.fix}`).not.toMatch(/[\n|]/)
    }
  })
})

describe('explainSignInFailure: AADSTS codes', () => {
  it.each(SIGN_IN_ERRORS.map(entry => [entry.code, entry.authTypes?.join(', ') ?? 'any auth-type', entry] as const))(
    '%s (%s): the sentence, the fix, and code, trace ID and correlation ID for support',
    (code, _authTypes, entry) => {
      const signIn = signInOfType(entry.authTypes?.[0] ?? (code.startsWith('AADSTS700') ? 'oidc' : 'client-secret'))
      const explained = explainSignInFailure(errorFor(code), context(signIn))
      expect(explained).toBeInstanceOf(ActionError)
      expect(explained.title).toContain(code)
      expect(explained.message).toContain(entry.summary)
      expect(explained.message).toContain(`Fix: ${entry.fix}`)
      expect(explained.message).toContain(`code ${code}`)
      expect(explained.message).toContain(`trace ID ${TRACE}`)
      expect(explained.message).toContain(`correlation ID ${CORRELATION}`)
      expect(explained.message).toContain(`timestamp ${TIMESTAMP}`)
    }
  )

  it('keeps the OAuth error name and the server description', () => {
    const explained = explainSignInFailure(errorFor('AADSTS7000215'), context(secretSignIn))
    expect(explained.message).toContain('error invalid_client')
    expect(explained.message).toContain('Microsoft Entra ID said: AADSTS7000215: Invalid client secret provided.')
  })

  it("prefers the server's correlation ID to the one MSAL keeps on its error object", () => {
    const description = entraDescription('AADSTS7000222', SENTENCES.AADSTS7000222 ?? '')
    const server = new ServerError('invalid_client', 'msal-request-id', `Description: ${description}`, '')
    const error = new AuthenticationRequiredError({ scopes: SCOPES, message: server.message, cause: server })
    const explained = explainSignInFailure(error, context(secretSignIn))
    expect(explained.message).toContain(`correlation ID ${CORRELATION}`)
    expect(explained.message).not.toContain('msal-request-id')
  })

  it('reads an @azure/identity AuthenticationError (errorResponse) the same way', () => {
    const error = new AuthenticationError(401, {
      error: 'invalid_client',
      error_description: entraDescription('AADSTS7000222', SENTENCES.AADSTS7000222 ?? ''),
      error_codes: [7000222],
      timestamp: TIMESTAMP,
      trace_id: TRACE,
      correlation_id: CORRELATION
    })
    const explained = explainSignInFailure(error, context(secretSignIn))
    expect(explained.title).toContain('AADSTS7000222')
    expect(explained.message).toContain('The client secret has expired.')
    expect(explained.message).toContain(`trace ID ${TRACE}`)
    expect(explained.message).toContain(`correlation ID ${CORRELATION}`)
  })

  it('names the client and tenant used when the application or tenant is not found', () => {
    for (const code of ['AADSTS700016', 'AADSTS90002']) {
      const explained = explainSignInFailure(errorFor(code), context(secretSignIn))
      expect(explained.message).toContain(`client-id ${CLIENT}, tenant-id ${TENANT}`)
    }
  })

  it('names the resource asked for when the resource is unknown', () => {
    const explained = explainSignInFailure(errorFor('AADSTS500011'), context(secretSignIn))
    expect(explained.message).toContain(`resource '${FHIR_URL}' in tenant ${TENANT}`)
  })

  it('falls back for an unknown code but still keeps code, trace ID and correlation ID', () => {
    const error = tokenEndpointError('AADSTS9002313', 'Invalid request. Request is malformed or invalid.')
    const explained = explainSignInFailure(error, context(secretSignIn))
    expect(explained.title).toContain('AADSTS9002313')
    expect(explained.message).toContain('no specific advice')
    expect(explained.message).toContain('code=9002313')
    expect(explained.message).toContain(`trace ID ${TRACE}`)
    expect(explained.message).toContain(`correlation ID ${CORRELATION}`)
    expect(explained.message).toContain('Request is malformed')
  })

  it('finds the code in a bare message when no structured fields survive', () => {
    const error = new Error(entraDescription('AADSTS700027', SENTENCES.AADSTS700027 ?? ''))
    const explained = explainSignInFailure(error, context(secretSignIn))
    expect(explained.title).toContain('AADSTS700027')
    expect(explained.message).toContain(`trace ID ${TRACE}`)
  })
})

describe('explainSignInFailure: federated credentials', () => {
  const claims = {
    iss: GITHUB_ISSUER,
    sub: 'repo:contoso/fhir-app:environment:Production',
    aud: DEFAULT_AUDIENCE,
    repository: 'contoso/fhir-app',
    job_workflow_ref: 'contoso/fhir-app/.github/workflows/deploy.yml@refs/heads/main'
  }

  it('AADSTS70021: names what differs, quotes the subject, lists the forms and prints the command for this run', () => {
    const explained = explainSignInFailure(errorFor('AADSTS70021'), context(oidcSignIn, { githubClaims: claims }))
    const { message } = explained
    expect(message).toContain('What differs: the subject')
    expect(message).toContain(`presented the subject '${claims.sub}'`)
    expect(message).toContain('environment form, not the branch form')
    expect(message).toContain('repo:contoso/fhir-app:ref:refs/heads/BRANCH')
    expect(message).toContain('repo:contoso/fhir-app:ref:refs/tags/TAG')
    expect(message).toContain('repo:contoso/fhir-app:environment:NAME')
    expect(message).toContain('repo:contoso/fhir-app:pull_request')
    const command = federatedCommand(message)
    expect(command.id).toBe(CLIENT)
    expect(command.parameters).toMatchObject({ issuer: claims.iss, subject: claims.sub, audiences: [claims.aud] })
    expect(command.parameters.name).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$/)
  })

  it('AADSTS70021 without the GitHub claims: builds the command from what Entra ID quoted', () => {
    const explained = explainSignInFailure(errorFor('AADSTS70021'), context(oidcSignIn))
    const command = federatedCommand(explained.message)
    expect(command.parameters).toMatchObject({
      issuer: GITHUB_ISSUER,
      subject: 'repo:contoso/fhir-app:ref:refs/heads/main',
      audiences: [DEFAULT_AUDIENCE]
    })
    expect(explained.message).toContain('This run is for a branch')
  })

  it('AADSTS70021 with a non-default audience says the audience differs', () => {
    const custom = { ...claims, aud: 'api://contoso-fhir' }
    const error = tokenEndpointError(
      'AADSTS70021',
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${GITHUB_ISSUER}'. ` +
        `Assertion Subject: '${custom.sub}'. Assertion Audience: 'api://contoso-fhir'.`
    )
    const signIn: SignIn = { ...oidcSignIn, audience: 'api://contoso-fhir' }
    const explained = explainSignInFailure(error, context(signIn, { githubClaims: custom }))
    expect(explained.message).toContain("What differs: the audience ('api://contoso-fhir'")
    expect(federatedCommand(explained.message).parameters.audiences).toEqual(['api://contoso-fhir'])
  })

  it('AADSTS700211 says the issuer differs and quotes it', () => {
    const enterprise = { ...claims, iss: `${GITHUB_ISSUER}/contoso-ent` }
    const explained = explainSignInFailure(errorFor('AADSTS700211'), context(oidcSignIn, { githubClaims: enterprise }))
    expect(explained.message).toContain(`What differs: the issuer ('${GITHUB_ISSUER}/contoso-ent')`)
    expect(federatedCommand(explained.message).parameters.issuer).toBe(`${GITHUB_ISSUER}/contoso-ent`)
  })

  it('AADSTS700213 says the subject differs; a pull request presents the pull_request form', () => {
    const pr = { ...claims, sub: 'repo:contoso/fhir-app:pull_request' }
    const explained = explainSignInFailure(errorFor('AADSTS700213'), context(oidcSignIn, { githubClaims: pr }))
    expect(explained.message).toContain('What differs: the subject')
    expect(explained.message).toContain('pull_request form')
    expect(federatedCommand(explained.message).parameters.subject).toBe(pr.sub)
  })

  it('AADSTS7002138 explains case-sensitivity and gives the exact-case command', () => {
    const tag = { ...claims, sub: 'repo:contoso/fhir-app:ref:refs/tags/v1.2.0' }
    const explained = explainSignInFailure(errorFor('AADSTS7002138'), context(oidcSignIn, { githubClaims: tag }))
    expect(explained.message).toContain('only in letter case')
    expect(explained.message).toContain('This run is for a tag')
    expect(federatedCommand(explained.message).parameters.subject).toBe(tag.sub)
  })

  it('quotes a subject holding a single quote so the shell command still parses to the same JSON', () => {
    const odd = { ...claims, sub: "repo:contoso/fhir-app:ref:refs/heads/it's-fine" }
    const explained = explainSignInFailure(errorFor('AADSTS700213'), context(oidcSignIn, { githubClaims: odd }))
    expect(federatedCommand(explained.message).parameters.subject).toBe(odd.sub)
  })

  it('handles a customized subject and an array audience claim', () => {
    const custom = { iss: GITHUB_ISSUER, sub: 'repository_owner_id:123:repository_id:456', aud: [DEFAULT_AUDIENCE] }
    const explained = explainSignInFailure(errorFor('AADSTS700213'), context(oidcSignIn, { githubClaims: custom }))
    expect(explained.message).toContain('customized')
    expect(federatedCommand(explained.message).parameters).toMatchObject({
      subject: custom.sub,
      audiences: [DEFAULT_AUDIENCE]
    })
  })
})

describe('explainSignInFailure: server text is shown safely', () => {
  const assertion =
    'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJyZXBvOmNvbnRvc28vZmhpci1hcHAifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ'

  it('removes an echoed client secret (raw and form-encoded) and an echoed assertion', () => {
    const error = tokenEndpointError(
      'AADSTS7000215',
      `Invalid client secret provided. Received: ${SECRET}; request body client_secret=${encodeURIComponent(SECRET)}` +
        `&client_assertion=${assertion}&scope=x also ${assertion}`,
      'invalid_client',
      401
    )
    const explained = explainSignInFailure(error, context(secretSignIn))
    expect(explained.message).not.toContain(SECRET)
    expect(explained.message).not.toContain(encodeURIComponent(SECRET))
    expect(explained.message).not.toContain(assertion)
    expect(explained.message).not.toContain('eyJ')
    expect(explained.message).toContain('[redacted]')
    expect(explained.title).not.toContain(SECRET)
  })

  it('removes an echoed certificate key, whole or line by line', () => {
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7'
    const pem = `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`
    const signIn: SignIn = { type: 'client-certificate', clientId: CLIENT, tenantId: TENANT, certificatePem: pem }
    const error = tokenEndpointError('AADSTS700027', `Bad key ${body} and ${pem}`, 'invalid_client', 401)
    const explained = explainSignInFailure(error, context(signIn))
    expect(explained.message).not.toContain(body)
    expect(explained.message).not.toContain('BEGIN PRIVATE KEY')
  })

  it('keeps server text on one line so it cannot start a workflow command', () => {
    const error = tokenEndpointError(
      'AADSTS9999999',
      'Oops\n::add-mask::visible\r\n::set-output name=token::x\n%0A::error::injected'
    )
    const explained = explainSignInFailure(error, context(secretSignIn))
    for (const line of explained.message.split('\n')) expect(line.startsWith('::')).toBe(false)
    // The text stays readable, with `::` broken wherever it stands.
    expect(explained.message).toContain('Oops : :add-mask: :visible')
    expect(explained.message).not.toContain('::')
  })

  it("removes every secret the configuration holds, also one the sign-in method does not (creds' JSON)", () => {
    const creds = JSON.stringify({ clientId: CLIENT, clientSecret: SECRET, tenantId: TENANT })
    const error = tokenEndpointError('AADSTS7000215', `Received creds ${creds} and ${SECRET}`, 'invalid_client', 401)
    const secrets = secretInputValues(name => (name === 'creds' ? creds : ''))
    const explained = explainSignInFailure(error, context(oidcSignIn, { secrets }))
    expect(explained.message).not.toContain(creds)
    expect(explained.message).not.toContain(SECRET)
    expect(explained.message).toContain('Received creds [redacted]')
  })

  it('bounds very long server text', () => {
    const error = tokenEndpointError('AADSTS9999999', 'x'.repeat(50_000))
    expect(explainSignInFailure(error, context(secretSignIn)).message.length).toBeLessThan(3000)
  })
})

describe('explainSignInFailure: unreachable endpoints', () => {
  const endpoint = `${MICROSOFT}/${TENANT}/oauth2/v2.0/token`

  function nodeError(code: string, message: string): Error {
    return Object.assign(new Error(message), { code })
  }

  it.each([
    ['ECONNREFUSED', nodeError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:443'), 'refused'],
    ['ENOTFOUND', nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND login.microsoftonline.com'), 'resolved'],
    ['ECONNRESET', nodeError('ECONNRESET', 'socket hang up'), 'reset']
  ])('%s names the endpoint and suggests proxy, firewall and cloud', (code, cause, words) => {
    const error = new AuthenticationRequiredError({ scopes: SCOPES, message: cause.message, cause })
    const explained = explainSignInFailure(error, context(secretSignIn))
    expect(explained.title).toContain('login.microsoftonline.com')
    expect(explained.message).toContain(endpoint)
    expect(explained.message).toContain(code)
    expect(explained.message).toContain(words)
    expect(explained.message).toContain('HTTPS_PROXY')
    expect(explained.message).toContain('firewall')
    expect(explained.message).toContain('environment')
  })

  it("MSAL's network_error (the cause is lost) still names the endpoint", () => {
    const cause = new ClientAuthError('network_error', '')
    const error = new AuthenticationRequiredError({ scopes: SCOPES, message: cause.message, cause })
    const explained = explainSignInFailure(error, context(secretSignIn))
    expect(explained.message).toContain(endpoint)
    expect(explained.message).toContain('network_error')
  })

  it("MSAL's endpoints_resolution_error names the openid-configuration of the sign-in host", () => {
    const error = new CredentialUnavailableError(
      'endpoints_resolution_error: See https://aka.ms/msal.js.errors#endpoints_resolution_error for details'
    )
    const host = 'https://login.contoso.test:8443'
    const explained = explainSignInFailure(error, context(secretSignIn, { authorityHost: host }))
    expect(explained.message).toContain(`${host}/${TENANT}/v2.0/.well-known/openid-configuration`)
    expect(explained.message).toContain('issuer')
    expect(explained.message).toContain('tenant-id')
  })

  it.each<[string, Error]>([
    ['DeadlineError', new DeadlineError(endpoint, 30_000)],
    ['AbortError', new AbortError('The operation was aborted.')],
    ['TimeoutError', new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
    ['ETIMEDOUT', nodeError('ETIMEDOUT', 'connect ETIMEDOUT 20.190.151.68:443')]
  ])('a timeout (%s) names the endpoint', (_name, cause) => {
    const error = new AuthenticationRequiredError({ scopes: SCOPES, message: String(cause), cause })
    const explained = explainSignInFailure(error, context(secretSignIn))
    expect(explained.title).toContain('timed out')
    expect(explained.message).toContain(endpoint)
    expect(explained.message).toContain('HTTPS_PROXY')
  })

  it('a TLS failure points at NODE_EXTRA_CA_CERTS', () => {
    const cause = nodeError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain')
    const error = new AuthenticationRequiredError({ scopes: SCOPES, message: cause.message, cause })
    const explained = explainSignInFailure(error, context(secretSignIn))
    expect(explained.message).toContain('SELF_SIGNED_CERT_IN_CHAIN')
    expect(explained.message).toContain('NODE_EXTRA_CA_CERTS')
  })
})

describe('explainSignInFailure: tools and managed identity', () => {
  const cli: SignIn = { type: 'azure-cli' }
  const ps: SignIn = { type: 'azure-powershell', tenantId: TENANT }

  it('Azure CLI not installed', () => {
    const error = new CredentialUnavailableError(
      "Azure CLI could not be found. Please visit https://aka.ms/azure-cli for installation instructions and then, once installed, authenticate to your Azure account using 'az login'."
    )
    const explained = explainSignInFailure(error, context(cli))
    expect(explained.title).toContain('not found')
    expect(explained.message).toContain('not on PATH')
    expect(explained.message).toContain('another auth-type')
  })

  it('Azure CLI not logged in: run azure/login first', () => {
    const error = new CredentialUnavailableError(
      "Please run 'az login' from a command prompt to authenticate before using this credential."
    )
    const explained = explainSignInFailure(error, context(cli))
    expect(explained.title).toContain('not logged in')
    expect(explained.message).toContain('azure/login')
    expect(explained.message).toContain('another auth-type')
  })

  it('Azure PowerShell not installed, and not logged in', () => {
    const missing = new CredentialUnavailableError(
      'The \'Az.Account\' module >= 2.2.0 is not installed. Install the Azure Az PowerShell module with: "Install-Module -Name Az -Scope CurrentUser -Repository PSGallery -Force".'
    )
    expect(explainSignInFailure(missing, context(ps)).title).toContain('not found')
    const loggedOut = new CredentialUnavailableError(
      "Please run 'Connect-AzAccount' from PowerShell to authenticate before using this credential."
    )
    const explained = explainSignInFailure(loggedOut, context(ps))
    expect(explained.title).toContain('not logged in')
    expect(explained.message).toContain('enable-AzPSSession: true')
  })

  it('managed identity unavailable: not on Azure', () => {
    const error = new CredentialUnavailableError(
      'ManagedIdentityCredential: Authentication failed. Message Attempted to use the IMDS endpoint, but it is not available.'
    )
    const explained = explainSignInFailure(error, context({ type: 'managed-identity' }))
    expect(explained.title).toContain('no managed identity')
    expect(explained.message).toContain('GitHub-hosted runners never do')
  })

  it('a user-assigned identity the machine does not have', () => {
    const cause = new AuthenticationError(400, { error: 'invalid_request', error_description: 'Identity not found' })
    const error = new CredentialUnavailableError(
      `ManagedIdentityCredential: Authentication failed. Message ${cause.message}`,
      {
        cause
      }
    )
    const explained = explainSignInFailure(error, context({ type: 'managed-identity', clientId: CLIENT }))
    expect(explained.message).toContain(`client ID ${CLIENT}`)
  })

  it("@actions/core's missing-permission error becomes the id-token: write explanation", () => {
    const explained = explainSignInFailure(
      new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable'),
      context(oidcSignIn)
    )
    expect(explained.message).toContain('id-token: write')
  })

  it('anything else: a plain message with the sanitized details', () => {
    const explained = explainSignInFailure(new Error(`weird failure ${SECRET}`), context(secretSignIn))
    expect(explained.title).toBe('Sign-in failed')
    expect(explained.message).toContain('weird failure [redacted]')
    expect(explained.message).not.toContain(SECRET)
  })
})

describe('explainMissingOidcPermission', () => {
  it('shows the permissions YAML and mentions forks and Dependabot', () => {
    const explained = explainMissingOidcPermission()
    expect(explained).toBeInstanceOf(ActionError)
    expect(explained.message).toContain('ACTIONS_ID_TOKEN_REQUEST_URL')
    expect(explained.message).toMatch(/\n {2}permissions:\n {4}id-token: write\n/)
    expect(explained.message).toContain('forks')
    expect(explained.message).toContain('Dependabot')
  })
})
