// Azure Pipelines: a service connection with workload identity federation. The job asks Azure DevOps for the
// connection's OIDC token (System.OidcRequestUri, with the job's System.AccessToken) and presents it to Microsoft
// Entra ID: @azure/identity's AzurePipelinesCredential does both, asking anew for each sign-in, so a long job renews.
// Only the command offers it: a GitHub job has no service connection.

import { ActionError, InputError } from '../../errors.js'
import { GUID, isRecord, parseUrl } from '../../lib/guards.js'
import { decodeJwtPayload, isJwtShaped } from '../../lib/jwt.js'
import { ASSERTION_REUSE_MARGIN_MS, presentedClaims } from '../federated-token.js'
import type { CredentialContext, SignInMethod } from '../method.js'
import { entraOptions, entraTokenEndpoint } from '../pipeline.js'
import { idFrom } from '../sign-in-inputs.js'

export interface AzurePipelinesSignIn {
  readonly type: 'azure-pipelines'
  readonly clientId: string
  readonly tenantId: string
  readonly serviceConnectionId: string
  /** System.OidcRequestUri: Azure DevOps' endpoint for the connection's token (https, checked). */
  readonly oidcRequestUri: string
  /** System.AccessToken, which the request presents; a secret (masked with the step's secrets). */
  readonly systemAccessToken: string
}

/** How the IDs' variables come to be set: an Azure task sets them from its service connection. */
const AZURE_TASK =
  'run the command inside an Azure task (AzureCLI@2, AzurePowerShell@5), which sets it from its service connection'

const MAP_ACCESS_TOKEN = ['  env:', '    SYSTEM_ACCESSTOKEN: $(System.AccessToken)'].join('\n')

export const azurePipelines: SignInMethod<AzurePipelinesSignIn> = {
  type: 'azure-pipelines',
  commandOnly: true,
  postsToAuthority: true,
  uses: ['clientId', 'tenantId', 'serviceConnectionId'],
  help: () =>
    'Azure Pipelines: service-connection-id, client-id and tenant-id (an Azure task sets all three), with ' +
    "the job's access token mapped on the step (SYSTEM_ACCESSTOKEN: $(System.AccessToken))",
  read(inputs, { env }) {
    const type = 'azure-pipelines'
    const ids = {
      serviceConnectionId: readServiceConnectionId(inputs.serviceConnectionId, env),
      clientId: idFrom(inputs.clientId, env, 'client-id', 'AZURESUBSCRIPTION_CLIENT_ID', AZURE_TASK),
      tenantId: idFrom(inputs.tenantId, env, 'tenant-id', 'AZURESUBSCRIPTION_TENANT_ID', AZURE_TASK)
    }
    // What the agent must provide is judged once every input is checked: a bad value is named first.
    try {
      const agent = {
        oidcRequestUri: readOidcRequestUri(env.SYSTEM_OIDCREQUESTURI),
        systemAccessToken: readAccessToken(env)
      }
      return { signIn: { type, ...ids, ...agent } }
    } catch (error) {
      if (!(error instanceof Error)) throw error
      return { signIn: { type, ...ids, oidcRequestUri: '', systemAccessToken: '' }, unavailable: error }
    }
  },
  endpoint: (signIn, authorityHost) => entraTokenEndpoint(authorityHost, signIn.tenantId),
  async credential(signIn, context) {
    // The library reads SYSTEM_OIDCREQUESTURI from the process's environment itself: the value read above.
    const { AzurePipelinesCredential } = await import('../identity.js')
    const options = entraOptions(context.authorityHost, context.limits, context.state, context.agentFor)
    return new AzurePipelinesCredential(
      signIn.tenantId,
      signIn.clientId,
      signIn.serviceConnectionId,
      signIn.systemAccessToken,
      { ...options, httpClient: watchTokenRequests(options.httpClient, signIn.oidcRequestUri, context) }
    )
  }
}

function readAccessToken(env: Readonly<Record<string, string | undefined>>): string {
  const token = env.SYSTEM_ACCESSTOKEN?.trim() ?? ''
  if (token === '') {
    throw new ActionError(
      "Azure Pipelines: the job's access token is not mapped to this step",
      [
        "azure-pipelines asks Azure DevOps for the service connection's token with the job's System.AccessToken, " +
          'but SYSTEM_ACCESSTOKEN is not set: a script gets that secret only when its step maps it.',
        'Fix: add to the step:',
        MAP_ACCESS_TOKEN
      ].join('\n')
    )
  }
  return token
}

/** Far beyond Azure DevOps' own URL (organization, project, plan and job IDs), short of a flood in a message. */
const MAX_REQUEST_URI = 2048

function readOidcRequestUri(value: string | undefined): string {
  const trimmed = value?.trim() ?? ''
  if (trimmed === '') {
    throw new InputError(
      'auth-type',
      "azure-pipelines asks Azure DevOps for the service connection's token at System.OidcRequestUri, but " +
        'SYSTEM_OIDCREQUESTURI is not set: this is not an Azure Pipelines job. Pick the auth-type of where it runs.'
    )
  }
  // System.AccessToken goes there: only over https, and to nothing that carries credentials of its own.
  const url = trimmed.length > MAX_REQUEST_URI ? undefined : parseUrl(trimmed)
  if (url?.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.search !== '') {
    throw new InputError(
      'auth-type',
      "azure-pipelines: SYSTEM_OIDCREQUESTURI is not an https URL without a query (of at most 2048 characters), so the job's access token is " +
        'not sent there. Fix: leave the variable as the agent sets it.'
    )
  }
  return trimmed
}

function readServiceConnectionId(input: string, env: Readonly<Record<string, string | undefined>>): string {
  const value = input !== '' ? input : (env.AZURESUBSCRIPTION_SERVICE_CONNECTION_ID?.trim() ?? '')
  if (value === '') {
    throw new InputError(
      'service-connection-id',
      'is empty and AZURESUBSCRIPTION_SERVICE_CONNECTION_ID is not set: set service-connection-id to the service ' +
        "connection's ID (Project settings > Service connections > the connection: the resourceId in the page's " +
        `address), or ${AZURE_TASK}.`
    )
  }
  if (!GUID.test(value)) {
    throw new InputError(
      'service-connection-id',
      "is not a GUID: give the service connection's ID (the resourceId in its page's address), not its name."
    )
  }
  return value
}

type HttpClient = NonNullable<ReturnType<typeof entraOptions>['httpClient']>

type Answer = Awaited<ReturnType<HttpClient['sendRequest']>>

/**
 * The credential's HTTP client, watching the requests for the connection's token: a token is masked at once, its
 * issuer, subject and audience kept for the explanation of a mismatch, and its answer reused while it is fresh (one
 * request to Azure DevOps per sign-in, not two); any other answer, or a failure to reach Azure DevOps, is kept as the
 * reason the sign-in failed (the library's own error quotes the whole answer).
 */
function watchTokenRequests(
  inner: HttpClient | undefined,
  oidcRequestUri: string,
  { state, setSecret }: CredentialContext
): HttpClient {
  if (inner === undefined) throw new Error('entraOptions gives every credential its HTTP client')
  const endpoint = oidcRequestUri
  let fresh: { answer: Answer; until: number } | undefined
  let pending: Promise<Answer> | undefined
  const ask = async (request: Parameters<HttpClient['sendRequest']>[0]): Promise<Answer> => {
    let answer: Answer
    try {
      answer = await inner.sendRequest(request)
    } catch (error) {
      state.assertionSource = { endpoint, transportError: error }
      throw error
    }
    const token = oidcTokenOf(answer.bodyAsText)
    if (answer.status === 200 && token !== undefined) {
      setSecret?.(token)
      state.assertionClaims = presentedClaims(token)
      delete state.assertionSource
      const exp = decodeJwtPayload(token).exp
      if (typeof exp === 'number') fresh = { answer, until: exp * 1000 - ASSERTION_REUSE_MARGIN_MS }
    } else {
      const typeKey = typeKeyOf(answer.bodyAsText)
      state.assertionSource = { endpoint, status: answer.status, ...(typeKey === undefined ? {} : { typeKey }) }
    }
    return answer
  }
  return {
    sendRequest(request) {
      if (!request.url.startsWith(`${oidcRequestUri}?`)) return inner.sendRequest(request)
      if (fresh !== undefined && Date.now() < fresh.until) return Promise.resolve(fresh.answer)
      pending ??= ask(request).finally(() => {
        pending = undefined
      })
      return pending
    }
  }
}

function parsed(text: string | null | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text ?? '')
    return isRecord(value) ? value : undefined
  } catch {
    return undefined
  }
}

function oidcTokenOf(text: string | null | undefined): string | undefined {
  const token = parsed(text)?.oidcToken
  return typeof token === 'string' && isJwtShaped(token) ? token : undefined
}

/** Azure DevOps' error type (`typeKey`), when it is a plain identifier: structure, never the message. */
function typeKeyOf(text: string | null | undefined): string | undefined {
  const key = parsed(text)?.typeKey
  return typeof key === 'string' && /^[A-Za-z][A-Za-z0-9]{0,99}$/.test(key) ? key : undefined
}
