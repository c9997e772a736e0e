// Reading and explaining the command's sign-ins for other CIs: Azure Pipelines' service connection and another CI's
// federated token (GitLab's id_tokens, a file), how auto picks them, what only the command offers, and what a failure
// says. Pure: readConfig and the explanations, no network.
import { describe, expect, it } from '@jest/globals'
import { type Config, readConfig } from '../../src/config.js'
import { ActionError, InputError } from '../../src/errors.js'
import { stepSecrets } from '../../src/inputs.js'
import { execEnvironment } from '../../src/cli/exec.js'
import { explainSignInFailure } from '../../src/signin/explain/index.js'
import type { SignInContext } from '../../src/signin/explain/context.js'
import { gitlabIdTokenVariable } from '../../src/signin/methods/federated-token.js'
import { CLIENT, TENANT } from '../support/ids.ts'

const FHIR_URL = 'https://myws-myfhir.fhir.azurehealthcareapis.com'
const CONNECTION = '5f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190'
const OIDC_URI = 'https://dev.azure.com/contoso/0a1b2c3d/_apis/distributedtask/hubs/build/plans/p1/jobs/j1/oidctoken'
const ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJidWlsZCJ9.c2lnbmF0dXJlLW9mLXRoZS1qb2I'
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2dpdGxhYi5jb20ifQ.c2lnbmVkLWJ5LWdpdGxhYg'
const PIPELINE_ENV = { TF_BUILD: 'True', SYSTEM_OIDCREQUESTURI: OIDC_URI, SYSTEM_ACCESSTOKEN: ACCESS_TOKEN }
const AZURE_TASK_ENV = {
  ...PIPELINE_ENV,
  AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: CONNECTION,
  AZURESUBSCRIPTION_CLIENT_ID: CLIENT,
  AZURESUBSCRIPTION_TENANT_ID: TENANT
}
const IDS = { 'fhir-url': FHIR_URL, 'client-id': CLIENT, 'tenant-id': TENANT }

const command = (inputs: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv = {}): Config =>
  readConfig(name => inputs[name] ?? '', env, 'command')

function failureOf(run: () => unknown): Error {
  try {
    run()
  } catch (error) {
    if (error instanceof Error) return error
  }
  throw new Error('no failure')
}

describe('azure-pipelines', () => {
  it('auto picks it inside an Azure task, the IDs and the connection from its variables', () => {
    const { signIn } = command({ 'fhir-url': FHIR_URL }, AZURE_TASK_ENV)
    expect(signIn).toEqual({
      type: 'azure-pipelines',
      clientId: CLIENT,
      tenantId: TENANT,
      serviceConnectionId: CONNECTION,
      oidcRequestUri: OIDC_URI,
      systemAccessToken: ACCESS_TOKEN
    })
  })

  it('auto picks it for service-connection-id in a script step, the flags before the variables', () => {
    const { signIn } = command({ ...IDS, 'service-connection-id': CONNECTION }, PIPELINE_ENV)
    expect(signIn.type).toBe('azure-pipelines')
  })

  it('a step without the access token mapped is told the env: lines to add, before any request', () => {
    const unmapped = { ...AZURE_TASK_ENV, SYSTEM_ACCESSTOKEN: '' }
    const error = failureOf(() => command({ 'fhir-url': FHIR_URL, 'auth-type': 'azure-pipelines' }, unmapped))
    expect(error).toBeInstanceOf(ActionError)
    expect(error.message).toContain('SYSTEM_ACCESSTOKEN is not set')
    expect(error.message).toContain('    SYSTEM_ACCESSTOKEN: $(System.AccessToken)')
    // auto does not pick a method that cannot work: inside an Azure task it falls through to the usual help.
    expect(failureOf(() => command({ 'fhir-url': FHIR_URL }, unmapped))).toBeInstanceOf(InputError)
  })

  it.each([
    [{ 'service-connection-id': 'my-service-connection' }, PIPELINE_ENV, 'service-connection-id', 'not its name'],
    [
      { 'service-connection-id': CONNECTION },
      { ...PIPELINE_ENV, SYSTEM_OIDCREQUESTURI: '' },
      'auth-type',
      'not an Azure Pipelines job'
    ],
    [
      { 'service-connection-id': CONNECTION },
      { ...PIPELINE_ENV, SYSTEM_OIDCREQUESTURI: 'http://dev.azure.com/contoso/oidctoken' },
      'auth-type',
      'not an https URL'
    ],
    [
      { 'auth-type': 'azure-pipelines' },
      PIPELINE_ENV,
      'service-connection-id',
      'AZURESUBSCRIPTION_SERVICE_CONNECTION_ID'
    ]
  ])('%j refused, naming the input', (inputs, env, input, words) => {
    const error = failureOf(() => command({ ...IDS, ...inputs }, env))
    expect(error instanceof InputError ? error.input : error).toBe(input)
    expect(error.message).toContain(words)
  })

  it("a bad value is named before what the agent lacks; an agent's URI past 2048 characters is not used", () => {
    const unmapped = { ...AZURE_TASK_ENV, SYSTEM_ACCESSTOKEN: '' }
    const error = failureOf(() =>
      command({ 'fhir-url': FHIR_URL, 'auth-type': 'azure-pipelines', 'wait-for-access': '5' }, unmapped)
    )
    expect(error instanceof InputError ? error.input : error).toBe('wait-for-access')
    const long = { ...AZURE_TASK_ENV, SYSTEM_OIDCREQUESTURI: `${OIDC_URI}/${'x'.repeat(2048)}` }
    expect(failureOf(() => command({ 'fhir-url': FHIR_URL }, long)).message).toContain('at most 2048 characters')
  })

  it('the action offers neither method, and reads none of the command-only inputs', () => {
    const error = failureOf(() =>
      readConfig(name => ({ ...IDS, 'auth-type': 'azure-pipelines' })[name] ?? '', AZURE_TASK_ENV)
    )
    expect(error.message).toContain('is not a sign-in method')
    // The methods it lists are the action's own.
    expect(error.message.split(': use ')[1]).not.toMatch(/azure-pipelines|federated-token|gitlab/i)
    const inputs: Record<string, string> = { ...IDS, 'federated-token-file': '/tmp/x' }
    const config = readConfig(name => inputs[name] ?? '', { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x' })
    expect(config.signIn.type).toBe('oidc')
  })
})

describe('federated-token', () => {
  it('reads the token from the variable the job names, and it is one of the step secrets', () => {
    const inputs = { ...IDS, 'federated-token-env': 'AZURE_ID_TOKEN' }
    const env = { GITLAB_CI: 'true', CI: 'true', AZURE_ID_TOKEN: ID_TOKEN, PATH: '/usr/bin' }
    expect(command(inputs, env).signIn).toEqual({
      type: 'federated-token',
      clientId: CLIENT,
      tenantId: TENANT,
      source: { variable: 'AZURE_ID_TOKEN', token: ID_TOKEN }
    })
    const given: Readonly<Record<string, string>> = inputs
    expect(stepSecrets(name => given[name] ?? '', env)).toEqual([ID_TOKEN])
    // A variable named by mistake is not hidden everywhere: PATH is no secret.
    expect(stepSecrets(name => ({ 'federated-token-env': 'PATH' })[name] ?? '', env)).toEqual([])
  })

  it('in a GitLab job, the one ID token of this GitLab (its iss is CI_SERVER_URL) is found, named nowhere', () => {
    const gitlab = { GITLAB_CI: 'true', CI_SERVER_URL: 'https://gitlab.com/', AZURE_ID_TOKEN: ID_TOKEN }
    expect(gitlabIdTokenVariable(gitlab)).toBe('AZURE_ID_TOKEN')
    expect(command(IDS, gitlab).signIn).toEqual(
      expect.objectContaining({ type: 'federated-token', source: { variable: 'AZURE_ID_TOKEN', token: ID_TOKEN } })
    )
    // Two of them: the job names the one to use; another GitLab's token, or outside GitLab: none is taken.
    expect(gitlabIdTokenVariable({ ...gitlab, VAULT_ID_TOKEN: ID_TOKEN })).toBeUndefined()
    expect(gitlabIdTokenVariable({ ...gitlab, CI_SERVER_URL: 'https://gitlab.contoso.com' })).toBeUndefined()
    expect(gitlabIdTokenVariable({ ...gitlab, GITLAB_CI: '' })).toBeUndefined()
    expect(failureOf(() => command(IDS, { ...gitlab, VAULT_ID_TOKEN: ID_TOKEN })).message).toContain('or several')
  })

  it('exec gives the command neither the federated token nor the job access token', () => {
    const env = { AZURE_ID_TOKEN: ID_TOKEN, SYSTEM_ACCESSTOKEN: ACCESS_TOKEN, HOME: '/home/ci' }
    expect(execEnvironment(env, { FHIR_TOKEN: 't' }, 'AZURE_ID_TOKEN')).toEqual({ HOME: '/home/ci', FHIR_TOKEN: 't' })
  })

  it('a bad value is named before a missing token', () => {
    const error = failureOf(() =>
      command({ ...IDS, 'federated-token-env': 'AZURE_ID_TOKEN', 'health-check-timeout': 'soon' }, {})
    )
    expect(error instanceof InputError ? error.input : error).toBe('health-check-timeout')
  })

  it.each([
    [{ 'federated-token-env': 'AZURE_ID_TOKEN' }, {}, 'which is not set in this job'],
    [{ 'federated-token-env': 'AZURE_ID_TOKEN' }, { AZURE_ID_TOKEN: 'not-a-token' }, 'does not hold an OIDC token'],
    [{ 'federated-token-env': '$AZURE_ID_TOKEN' }, {}, 'not its value or $AZURE_ID_TOKEN'],
    [{ 'federated-token-env': 'A', 'federated-token-file': '/f' }, {}, 'are both set'],
    [{ 'auth-type': 'gitlab' }, {}, 'is empty, and so is federated-token-file']
  ])('%j with %j: one clear error', (inputs, env, words) => {
    const error = failureOf(() => command({ ...IDS, ...inputs }, env))
    expect(error.message).toContain(words)
    expect(error.message).not.toContain('not-a-token')
  })

  it('client-id and tenant-id alone outside GitHub say where this CI keeps its token', () => {
    expect(failureOf(() => command(IDS, { GITLAB_CI: 'true' })).message).toContain('id_tokens')
    expect(failureOf(() => command(IDS, { TF_BUILD: 'True' })).message).toContain('service-connection-id')
    expect(failureOf(() => command(IDS, {})).message).toContain('federated-token-file')
    // In a GitHub job the command signs in as the action does.
    expect(command(IDS, { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x' }).signIn.type).toBe('oidc')
  })

  it("the command's help without any sign-in lists the other CIs' methods; the action's does not", () => {
    const commandHelp = failureOf(() => command({ 'fhir-url': FHIR_URL }, { CI: 'true' })).message
    expect(commandHelp).toContain('Azure Pipelines: service-connection-id')
    expect(commandHelp).toContain('federated-token-env')
    const actionHelp = failureOf(() => readConfig(name => ({ 'fhir-url': FHIR_URL })[name] ?? '', {})).message
    expect(actionHelp).not.toContain('federated-token')
    expect(actionHelp).not.toContain('Azure Pipelines')
  })
})

const pipelinesContext = (extra: Partial<SignInContext>): SignInContext => ({
  signIn: { type: 'azure-pipelines', clientId: CLIENT, tenantId: TENANT, serviceConnectionId: CONNECTION },
  resource: FHIR_URL,
  authorityHost: 'https://login.microsoftonline.com',
  endpoint: 'the token endpoint',
  secrets: [ACCESS_TOKEN],
  ...extra
})

describe('explanations', () => {
  it.each([
    [401, 'UnauthorizedRequestException', "did not accept the job's access token"],
    [404, 'ServiceEndpointNotFoundException', 'authorize this pipeline to use it'],
    [503, undefined, 'status.dev.azure.com']
  ])('Azure DevOps answering %i (%s): the status, the type, the fix, never its text', (status, typeKey, fix) => {
    // The library's own error quotes the whole answer, whatever the server put in it.
    const error = new Error(
      `AzurePipelinesCredential: Authentication Failed. Complete response - ::warning::AADSTS70021 ${ACCESS_TOKEN}`
    )
    const source = { endpoint: OIDC_URI, status, ...(typeKey === undefined ? {} : { typeKey }) }
    const explained = explainSignInFailure(error, pipelinesContext({ assertionSource: source }))
    expect(explained.title).toBe(
      `Azure Pipelines: the service connection's token is unavailable: Azure DevOps answered HTTP ${status}`
    )
    expect(explained.message).toContain(fix)
    if (typeKey !== undefined) expect(explained.message).toContain(`(${typeKey})`)
    expect(explained.message).not.toMatch(/AADSTS|::warning|eyJ/)
  })

  it('a wrong subject is explained in the sc:// form with the command for this connection', () => {
    const subject = 'sc://contoso/hds/hds-fhir'
    const issuer = 'https://vstoken.dev.azure.com/0f6d3b64-4d6e-4a53-9f7c-6b1c2a3d4e5f'
    const error = Object.assign(new Error('invalid_client'), {
      errorResponse: {
        error: 'invalid_client',
        errorCodes: [700213],
        errorDescription: `AADSTS700213: No matching federated identity record found for presented assertion subject '${subject}'.`
      }
    })
    const explained = explainSignInFailure(
      error,
      pipelinesContext({ assertionClaims: { iss: issuer, sub: subject, aud: 'api://AzureADTokenExchange' } })
    )
    expect(explained.message).toContain('sc://ORGANIZATION/PROJECT/SERVICE_CONNECTION')
    expect(explained.message).toContain(
      `az ad app federated-credential create --id '${CLIENT}' --parameters '{"name":"azure-devops-contoso-hds-hds-fhir","issuer":"${issuer}","subject":"${subject}","audiences":["api://AzureADTokenExchange"]}'`
    )
  })

  it("a GitLab token's wrong audience is named, with where GitLab sets it and the subject forms", () => {
    const claims = {
      iss: 'https://gitlab.com',
      sub: 'project_path:contoso/hds-pipelines:ref_type:branch:ref:main',
      aud: 'https://gitlab.com'
    }
    const error = Object.assign(new Error('invalid_client'), {
      errorResponse: { error: 'invalid_client', errorCodes: [700212], errorDescription: 'AADSTS700212: audience' }
    })
    const explained = explainSignInFailure(error, {
      ...pipelinesContext({ assertionClaims: claims }),
      signIn: { type: 'federated-token', clientId: CLIENT, tenantId: TENANT }
    })
    expect(explained.message).toContain("What differs: the audience ('https://gitlab.com')")
    expect(explained.message).toContain("aud under the job's id_tokens")
    expect(explained.message).toContain('project_path:contoso/hds-pipelines:ref_type:tag:ref:TAG')
  })
})
