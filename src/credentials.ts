// Builds the one @azure/identity credential the configuration asks for, with bounded time and deliberate retries.
// Every sign-in goes through the library's own classes: this module only chooses the class and its options.

import {
  type AccessToken,
  AzureCliCredential,
  AzurePowerShellCredential,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  type GetTokenOptions,
  ManagedIdentityCredential,
  type TokenCredential,
  type TokenCredentialOptions
} from '@azure/identity'
import { isMicrosoftAuthorityHost } from './clouds.js'
import type { Config } from './config.js'
import { ActionError, UnreadableAnswerError } from './errors.js'
import { explainSignInFailure } from './explanations.js'
import { DeadlineError } from './deadline.js'
import {
  GITHUB_TOKEN_LIMITS,
  type GitHubAssertion,
  type GitHubTokenDeps,
  type GitHubTokenLimits,
  endpointOf,
  startGitHubAssertion
} from './github-token.js'

export interface CredentialDeps extends GitHubTokenDeps {
  /** The environment to look for the runner's OIDC request variables in; process.env when absent. */
  env?: Readonly<Record<string, string | undefined>>
  /** For OIDC: the GitHub token, already asked for (startGitHubAssertion). Asked for here when absent. */
  assertion?: GitHubAssertion | undefined
}

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

const RETRY_AFTER_HEADERS = ['retry-after-ms', 'x-ms-retry-after-ms', 'retry-after'] as const

/**
 * A pipeline policy run once per attempt (below the retry policy): it bounds each attempt's time, so a hung endpoint
 * fails naming itself instead of hanging the job, and it caps a server's Retry-After at the longest retry delay, so
 * a throttling answer is retried soon or not at all.
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
      let response: PipelineResponse
      try {
        response = await next(request)
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
      state.last = { answer: { endpoint: endpointOf(request.url), status: response.status } }
      for (const name of RETRY_AFTER_HEADERS) {
        const value = response.headers.get(name)
        if (value === undefined) continue
        const ms = name === 'retry-after' ? retryAfterSecondsToMs(value) : Number(value)
        if (Number.isFinite(ms) && ms > limits.maxRetryDelayMs) {
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

function retryAfterSecondsToMs(value: string): number {
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return seconds * 1000
  return Date.parse(value) - Date.now()
}

/** Options shared by every HTTP-based credential. */
export function httpOptions(limits: CredentialLimits, state: SignInState = {}): TokenCredentialOptions {
  return {
    retryOptions: {
      maxRetries: limits.maxRetries,
      retryDelayInMs: limits.retryDelayMs,
      maxRetryDelayInMs: limits.maxRetryDelayMs
    },
    additionalPolicies: [{ policy: attemptPolicy(limits, state), position: 'perRetry' }]
  }
}

/** Options for the Microsoft Entra ID (MSAL) credentials: the sign-in host, and instance discovery only where MSAL
 *  can do it (Microsoft's hosts); elsewhere discovery would ask login.microsoftonline.com and fail after seconds. */
export function entraOptions(
  authorityHost: string,
  limits: CredentialLimits,
  state: SignInState = {}
): TokenCredentialOptions & { disableInstanceDiscovery: boolean } {
  return {
    ...httpOptions(limits, state),
    authorityHost,
    disableInstanceDiscovery: !isMicrosoftAuthorityHost(authorityHost)
  }
}

/**
 * What one credential learns while signing in, for the explanation of a failure: how its last request ended. MSAL
 * reports a timeout, a refused connection and an answer it cannot parse alike, as a bare `network_error`.
 */
export interface SignInState {
  last?: { transportError: unknown } | { answer: { endpoint: string; status: number } }
}

/**
 * The @azure/identity credential for the sign-in, given the GitHub assertion an OIDC sign-in presents; exported so
 * tests can check the class and its options.
 */
export function buildCredential(
  config: Pick<Config, 'signIn' | 'authorityHost'>,
  github: GitHubAssertion | undefined,
  limits: CredentialLimits = DEFAULT_LIMITS,
  state: SignInState = {}
): TokenCredential {
  const signIn = config.signIn
  switch (signIn.type) {
    case 'oidc': {
      if (github === undefined) throw new Error('An OIDC sign-in needs the GitHub assertion (startGitHubAssertion).')
      return new ClientAssertionCredential(
        signIn.tenantId,
        signIn.clientId,
        github.getAssertion,
        entraOptions(config.authorityHost, limits, state)
      )
    }
    case 'client-secret':
      return new ClientSecretCredential(
        signIn.tenantId,
        signIn.clientId,
        signIn.clientSecret,
        entraOptions(config.authorityHost, limits, state)
      )
    case 'client-certificate':
      return new ClientCertificateCredential(
        signIn.tenantId,
        signIn.clientId,
        { certificate: signIn.certificatePem },
        entraOptions(config.authorityHost, limits, state)
      )
    case 'managed-identity':
      return new ManagedIdentityCredential({
        ...httpOptions(limits, state),
        ...(signIn.clientId ? { clientId: signIn.clientId } : {})
      })
    case 'azure-cli':
      return new AzureCliCredential({
        processTimeoutInMs: limits.processTimeoutMs,
        ...(signIn.tenantId ? { tenantId: signIn.tenantId } : {})
      })
    case 'azure-powershell':
      return new AzurePowerShellCredential({
        processTimeoutInMs: limits.processTimeoutMs,
        ...(signIn.tenantId ? { tenantId: signIn.tenantId } : {})
      })
  }
}

/** The resource a `<resource>/.default` scope asks for. */
export function resourceOfScope(scopes: string | string[]): string {
  const scope = Array.isArray(scopes) ? (scopes[0] ?? '') : scopes
  return scope.replace(/\/\.default$/, '')
}

/**
 * The credential for the configured sign-in. Its failures are ActionErrors that say what to change; for OIDC they
 * carry the claims of the GitHub token that was presented, which is what a federated-credential mismatch is about.
 */
export function createCredential(
  config: Pick<Config, 'signIn' | 'authorityHost' | 'secrets'>,
  deps: CredentialDeps,
  limits: CredentialLimits = DEFAULT_LIMITS
): TokenCredential {
  const state: SignInState = {}
  // Resolved here, so that the explanation of a failure can quote the GitHub token's claims.
  const github = deps.assertion ?? startGitHubAssertion(config.signIn, deps, deps.env ?? process.env, limits)
  const inner = buildCredential(config, github, limits, state)
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      state.last = undefined
      try {
        return await inner.getToken(scopes, options)
      } catch (error) {
        if (error instanceof ActionError) throw error
        // MSAL replaces a timeout, a refused connection or an unreadable answer by a bare network_error: explain
        // what really happened last.
        const cause = isNetworkError(error) ? (whatHappened(state) ?? error) : error
        throw explainSignInFailure(cause, {
          signIn: config.signIn,
          resource: resourceOfScope(scopes),
          authorityHost: config.authorityHost,
          secrets: config.secrets,
          ...(github?.state.githubClaims ? { githubClaims: github.state.githubClaims } : {})
        })
      }
    }
  }
}

function whatHappened(state: SignInState): unknown {
  if (state.last === undefined) return undefined
  if ('transportError' in state.last) return state.last.transportError
  return new UnreadableAnswerError(state.last.answer.endpoint, state.last.answer.status)
}

/** MSAL's error for a request that got no usable HTTP answer, possibly wrapped by @azure/identity. */
function isNetworkError(error: unknown): boolean {
  for (let link: unknown = error, depth = 0; link instanceof Error && depth < 8; link = link.cause, depth++) {
    if ((link as { errorCode?: unknown }).errorCode === 'network_error' || link.message.startsWith('network_error')) {
      return true
    }
  }
  return false
}
