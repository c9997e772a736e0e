// The options every @azure/identity credential is built with: bounded time per request and deliberate retries. The
// library's own classes do the sign-in; this module only shapes how their HTTP pipeline waits and retries.

import type { TokenCredentialOptions } from '@azure/identity'
import { AnswerTooLargeError } from '../errors.js'
import { DeadlineError } from '../lib/deadline.js'
import type { AgentFor } from '../lib/early-connections.js'
import { readTextAtMost } from '../lib/read-text.js'
import { RETRY_AFTER_HEADERS, parseRetryAfter } from '../lib/retry-after.js'
import { isMicrosoftAuthorityHost } from '../target/clouds.js'
import type { AssertionSourceFailure } from './explain/context.js'
import { GITHUB_TOKEN_LIMITS, type GitHubTokenLimits, endpointOf } from './github-oidc.js'

/** Time limits and retries. The library's defaults (3 retries, backoff up to 64 s, no time limit) suit
 *  long-running services, not a pipeline step that should fail in seconds with a clear message. */
export interface CredentialLimits extends GitHubTokenLimits {
  /** Longest wait for one answer from the token endpoint (or managed identity endpoint). */
  readonly requestTimeoutMs: number
  /** Retries of a transient failure (5xx, 408, 429 with Retry-After, reset or refused connection). */
  readonly maxRetries: number
  readonly retryDelayMs: number
  readonly maxRetryDelayMs: number
  /** Longest run of the `az` or `pwsh` process. */
  readonly processTimeoutMs: number
}

export const DEFAULT_LIMITS: CredentialLimits = {
  ...GITHUB_TOKEN_LIMITS,
  requestTimeoutMs: 10_000,
  maxRetries: 2,
  retryDelayMs: 250,
  maxRetryDelayMs: 2_000,
  processTimeoutMs: 30_000
}

type PipelinePolicyConfig = NonNullable<TokenCredentialOptions['additionalPolicies']>[number]
type PipelinePolicy = PipelinePolicyConfig['policy']
type PipelineRequest = Parameters<PipelinePolicy['sendRequest']>[0]
type PipelineResponse = Awaited<ReturnType<PipelinePolicy['sendRequest']>>
type HttpClient = NonNullable<TokenCredentialOptions['httpClient']>

/** The most read of one sign-in answer. A real token answer or openid-configuration is a few KiB; a hostile or broken
 *  host (or a proxy's page) may send gigabytes, which would end the process before any message. */
export const MAX_ANSWER_BYTES = 1024 * 1024

/**
 * One attempt (below the retry policy): it bounds the attempt's time, body included, so a hung or trickling endpoint
 * fails naming itself instead of hanging the job; it reads at most MAX_ANSWER_BYTES of the answer; it keeps a
 * connection reset in the middle of the answer a reset (ECONNRESET), so it is retried like one before the answer; and
 * it caps a server's Retry-After at the longest retry delay, so a throttling answer is retried soon or not at all.
 */
export function attemptPolicy(
  limits: Pick<CredentialLimits, 'requestTimeoutMs' | 'maxRetryDelayMs'>,
  state: SignInState = {}
): PipelinePolicy {
  return {
    name: 'boundedAttempt',
    async sendRequest(request: PipelineRequest, next: (request: PipelineRequest) => Promise<PipelineResponse>) {
      // Our own timer rather than request.timeout: the HTTP client leaves that timer running after a failed attempt,
      // which keeps the process alive for the whole time limit after, say, a reset connection.
      const outer = request.abortSignal
      const attempt = new AbortController()
      const timer = setTimeout(() => {
        attempt.abort()
      }, limits.requestTimeoutMs)
      const forward = (): void => {
        attempt.abort()
      }
      outer?.addEventListener('abort', forward)
      request.abortSignal = attempt.signal
      // Every status: the answer's body is handed over as a stream, so that it is read here, bounded.
      request.streamResponseStatusCodes = new Set([Number.POSITIVE_INFINITY])
      let response: PipelineResponse
      try {
        response = await next(request)
        await readBoundedBody(response, endpointOf(request.url))
      } catch (error) {
        // A timeout surfaces as a bare AbortError that says nothing of where; name the endpoint instead.
        const timedOut = attempt.signal.aborted && outer?.aborted !== true
        const failure = timedOut
          ? new DeadlineError(endpointOf(request.url), limits.requestTimeoutMs, { cause: error })
          : error
        state.last = { transportError: failure }
        throw failure
      } finally {
        clearTimeout(timer)
        outer?.removeEventListener('abort', forward)
        request.abortSignal = outer
      }
      state.last = { answer: { endpoint: endpointOf(request.url), status: response.status, ...answerShape(response) } }
      for (const name of RETRY_AFTER_HEADERS) {
        const value = response.headers.get(name)
        if (value === undefined) continue
        const ms = parseRetryAfter(name, value, Date.now())
        if (ms !== undefined && ms > limits.maxRetryDelayMs) {
          response.headers.set(
            name,
            name === 'retry-after' ? String(limits.maxRetryDelayMs / 1000) : String(limits.maxRetryDelayMs)
          )
        }
      }
      return response
    }
  }
}

/** Replaces a streamed body by its text, read to at most MAX_ANSWER_BYTES. */
async function readBoundedBody(response: PipelineResponse, endpoint: string): Promise<void> {
  const body = response.readableStreamBody
  if (body === undefined) return
  delete response.readableStreamBody
  const tooLarge = (): AnswerTooLargeError => {
    // Node's streams can be destroyed (the connection closes); the type only promises a readable one.
    ;(body as { destroy?: () => void }).destroy?.()
    return new AnswerTooLargeError(endpoint, MAX_ANSWER_BYTES)
  }
  const announced = Number(response.headers.get('content-length') ?? Number.NaN)
  if (announced > MAX_ANSWER_BYTES) throw tooLarge()
  const { text, bytes } = await readTextAtMost(body, MAX_ANSWER_BYTES, tooLarge)
  // A connection closed before the whole answer arrived ends the stream quietly: it is a reset, retried like one.
  if ((body as { complete?: boolean }).complete === false || bytes < announced) {
    throw Object.assign(new Error('the connection was reset in the middle of the answer'), { code: 'ECONNRESET' })
  }
  response.bodyAsText = text
}

/**
 * The HTTP client of every credential: the library's own, each request through attemptPolicy. A client rather than a
 * pipeline policy, because the managed identity credential replaces the policies it is given by its own. A request to
 * a host connected to early goes through that agent, unless the pipeline chose one already (a proxy's).
 */
export function boundedHttpClient(limits: CredentialLimits, state: SignInState = {}, agentFor?: AgentFor): HttpClient {
  const policy = attemptPolicy(limits, state)
  let inner: HttpClient | undefined
  return {
    async sendRequest(request) {
      // The identity library is loaded by the time a credential sends anything.
      inner ??= (await import('./identity.js')).createDefaultHttpClient()
      const client = inner
      request.agent ??= agentFor?.(request.url)
      return policy.sendRequest(request, next => client.sendRequest(next))
    }
  }
}

/** Options shared by every HTTP-based credential. */
export function httpOptions(
  limits: CredentialLimits,
  state: SignInState = {},
  agentFor?: AgentFor
): TokenCredentialOptions {
  return {
    retryOptions: {
      maxRetries: limits.maxRetries,
      retryDelayInMs: limits.retryDelayMs,
      maxRetryDelayInMs: limits.maxRetryDelayMs
    },
    httpClient: boundedHttpClient(limits, state, agentFor)
  }
}

/** Options for the Microsoft Entra ID (MSAL) credentials: the sign-in host, and instance discovery only where MSAL
 *  can do it (Microsoft's hosts); elsewhere discovery would ask login.microsoftonline.com and fail after seconds. */
export function entraOptions(
  authorityHost: string,
  limits: CredentialLimits,
  state: SignInState = {},
  agentFor?: AgentFor
): TokenCredentialOptions & { disableInstanceDiscovery: boolean } {
  return {
    ...httpOptions(limits, state, agentFor),
    authorityHost,
    disableInstanceDiscovery: !isMicrosoftAuthorityHost(authorityHost)
  }
}

/**
 * What one credential learns while signing in, for the explanation of a failure: how its last request ended. MSAL
 * reports a timeout, a refused connection and an answer it cannot parse alike, as a bare `network_error`.
 */
export interface SignInState {
  last?: { transportError: unknown } | { answer: AnswerSeen }
  /** The issuer, subject and audience of a presented federated token other than GitHub's (a service account's). */
  assertionClaims?: Record<string, unknown>
  /** How the last request for the federated token (Azure DevOps') failed; absent once it answered with a token. */
  assertionSource?: AssertionSourceFailure
}

/** What the last answer was: its status, its content type, and whether its body is a JSON object at all. */
export interface AnswerSeen {
  readonly endpoint: string
  readonly status: number
  readonly contentType?: string
  readonly json?: boolean
}

function answerShape(response: PipelineResponse): { contentType?: string; json?: boolean } {
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim()
  const text = response.bodyAsText
  let json: boolean | undefined
  if (typeof text === 'string') {
    try {
      const parsed: unknown = JSON.parse(text)
      json = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    } catch {
      json = false
    }
  }
  return { ...(contentType ? { contentType } : {}), ...(json === undefined ? {} : { json }) }
}

/** Options for a credential that asks a tool's session (az, pwsh): the process's time limit and the tenant. */
export function toolSessionOptions(
  tenantId: string | undefined,
  limits: CredentialLimits
): { processTimeoutInMs: number; tenantId?: string } {
  return { processTimeoutInMs: limits.processTimeoutMs, ...(tenantId ? { tenantId } : {}) }
}

/** The Microsoft Entra ID token endpoint an app registration's sign-in posts to. */
export function entraTokenEndpoint(authorityHost: string, tenantId: string): string {
  return `the token endpoint ${authorityHost}/${tenantId}/oauth2/v2.0/token`
}
