// The sign-in: asks GitHub for its token where the method presents one, builds the method's credential, gets the
// access token within a time limit, and is the one place a failure is explained.

import type { AccessToken, TokenCredential } from '@azure/identity'
import type { ActionError } from '../errors.js'
import type { AgentFor } from '../lib/early-connections.js'
import { withDeadline } from '../lib/deadline.js'
import type { SignInContext } from './explain/context.js'
import { explainSignInFailure } from './explain/index.js'
import { whatReallyHappened } from './explain/last-attempt.js'
import { leaveFormDataUnread } from './form-data-unread.js'
import { type GitHubAssertion, type GitHubTokenDeps, startGitHubAssertion } from './github-oidc.js'
import type { CloudName } from '../target/clouds.js'
import { type IssuedToken, issuedToken } from './issued-token.js'
import type { Env, SignInMethod } from './method.js'
import { type CredentialLimits, DEFAULT_LIMITS, type SignInState } from './pipeline.js'
import { untilPropagated } from './propagation.js'
import { type SignIn, methodOf } from './registry.js'

export interface SignInRequest {
  readonly signIn: SignIn
  readonly authorityHost: string
  /** The resource (audience) the token is for; the scope asked for is `${resource}/.default`. */
  readonly resource: string
  /** The inputs' secrets: a server may echo any of them, so each is removed from what is shown. */
  readonly secrets: readonly string[]
  /** The environment input, for the explanation of a federated-credential mismatch. */
  readonly cloud?: CloudName
  /** The end of wait-for-access (ms since the epoch): until then a refusal of a just-created identity is retried.
   *  Absent or past: every refusal fails at once. */
  readonly waitUntil?: number
}

export interface SignInDeps extends GitHubTokenDeps {
  /** Where the runner's OIDC request variables and the managed identity endpoint are read; process.env by default. */
  readonly env?: Env
  readonly limits?: CredentialLimits
  /** The whole sign-in's time limit, a backstop above the per-request limits. */
  readonly timeoutMs?: number
  /** A credential to use instead of the method's own: lets a unit test answer without a sign-in host. */
  readonly credential?: TokenCredential
  readonly now?: () => number
  readonly sleep?: (ms: number) => Promise<void>
  /** core.setSecret in production. */
  readonly setSecret?: (secret: string) => void
  /** Connections that wait for no answer, opened while GitHub (or the method's own reading) is on its way. */
  readonly early?: EarlySignIn
}

/** Where the sign-in opens connections early, and the agent its requests take them from. */
export interface EarlySignIn {
  /** Called as soon as GitHub is asked (at once for other methods), for a method that posts to the sign-in host. */
  readonly openSignInHost: (signInHost: string) => void
  /** Called once the identity library has loaded: the connections of what comes after the sign-in. */
  readonly openAfterSignIn: () => void
  readonly agentFor: AgentFor
}

const defaultSleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

const DEFAULT_SIGN_IN_TIMEOUT_MS = 60_000

/** Signs in and reads what the outputs need from the token. Every failure is an ActionError that says what to do. */
export async function getAccessToken(request: SignInRequest, deps: SignInDeps): Promise<IssuedToken> {
  const session = await openSignIn(request, deps)
  return session.getToken(request.resource)
}

/**
 * One token per target from one sign-in: the credential (and an OIDC sign-in's GitHub token, while it is fresh) is
 * shared, and Microsoft Entra ID is asked once per resource. The first token alone, so the others find the credential
 * ready (the sign-in host's metadata read once, a failure explained once); then the others at once.
 */
export async function getAccessTokens<T extends { readonly resource: string }>(
  request: Omit<SignInRequest, 'resource'>,
  targets: readonly T[],
  deps: SignInDeps
): Promise<{ target: T; token: IssuedToken }[]> {
  const session = await openSignIn(request, deps)
  const tokenFor = async (target: T): Promise<{ target: T; token: IssuedToken }> => ({
    target,
    token: await session.getToken(target.resource)
  })
  const [first, ...others] = targets
  if (first === undefined) return []
  return [await tokenFor(first), ...(await Promise.all(others.map(tokenFor)))]
}

/** One sign-in's credential, asked for tokens as often as needed: the credential's cache answers until a token nears
 *  expiry, then it signs in again (asking GitHub anew for an OIDC sign-in). */
export interface SignInSession {
  /** A token for the resource. Every failure is an ActionError that says what to do. */
  getToken(resource: string): Promise<IssuedToken>
}

/** Builds the method's credential once (GitHub is asked for its token at once, while the identity library loads). */
export async function openSignIn(request: Omit<SignInRequest, 'resource'>, deps: SignInDeps): Promise<SignInSession> {
  const { signIn, authorityHost } = request
  const method = methodOf(signIn)
  const env = deps.env ?? process.env
  const limits = deps.limits ?? DEFAULT_LIMITS
  const timeoutMs = deps.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS

  // GitHub is asked for its token now, while the identity library loads.
  const audience = method.githubAudience?.(signIn)
  const github = audience === undefined ? undefined : startGitHubAssertion(audience, deps, env, limits)
  // Loading the identity library holds the event loop for tens of milliseconds, and with it the connection to
  // GitHub: let the request go out first, then load while GitHub answers.
  // The sign-in host's connection beside GitHub's request: the library's load that follows holds the event loop,
  // and a handshake started after it would end after GitHub's answer on a distant network.
  if (method.postsToAuthority === true) deps.early?.openSignInHost(authorityHost)
  await github?.sent
  ;(await import('./identity.js')).redactLibraryLog(request.secrets)
  // The checks' connections now, not sooner: more handshakes beside the library's load would slow it on a busy
  // runner; from here the process mostly waits for GitHub, then for the sign-in host.
  deps.early?.openAfterSignIn()
  const state: SignInState = {}
  const credential =
    deps.credential ??
    (await method.credential(signIn, {
      authorityHost,
      limits,
      timeoutMs,
      state,
      ...(deps.setSecret === undefined ? {} : { setSecret: deps.setSecret }),
      ...(github === undefined ? {} : { github }),
      ...(deps.early === undefined ? {} : { agentFor: deps.early.agentFor })
    }))

  return {
    async getToken(resource) {
      const explain = explainer({ ...request, resource }, method, state, github, env)
      const attempt = async (): Promise<AccessToken | null> => {
        const abort = new AbortController()
        try {
          return await withDeadline(
            credential.getToken(`${resource}/.default`, { abortSignal: abort.signal }),
            timeoutMs,
            method.endpoint(signIn, authorityHost, env)
          )
        } catch (error) {
          abort.abort()
          throw error
        }
      }
      leaveFormDataUnread()
      let accessToken: AccessToken | null
      try {
        // A just-created identity is retried until wait-for-access ends; a renewal later in the job is past that end.
        accessToken = await untilPropagated(attempt, {
          waitUntil: request.waitUntil ?? 0,
          now: deps.now ?? Date.now,
          sleep: deps.sleep ?? defaultSleep,
          info: deps.info
        })
      } catch (error) {
        throw explain(error)
      }
      return issuedToken(accessToken, {
        resource,
        signInMethod: signIn.type,
        from: method.endpoint(signIn, authorityHost, env)
      })
    }
  }
}

/** Explains a failure of this sign-in, with what the method and its last request can tell. */
function explainer(
  { signIn, resource, authorityHost, secrets, cloud }: SignInRequest,
  method: SignInMethod<SignIn>,
  state: SignInState,
  github: GitHubAssertion | undefined,
  env: Env
): (error: unknown) => ActionError {
  return error => {
    const context: SignInContext = {
      signIn,
      resource,
      authorityHost,
      ...(cloud === undefined ? {} : { cloud }),
      // The usual endpoint, as configured; a deadline that fires names the endpoint it waited for.
      endpoint: method.endpoint(signIn, authorityHost, env),
      secrets,
      ...(github?.state.githubClaims ? { githubClaims: github.state.githubClaims } : {}),
      ...(state.assertionClaims ? { assertionClaims: state.assertionClaims } : {}),
      ...(state.assertionSource ? { assertionSource: state.assertionSource } : {}),
      explainOwn: cause => method.explain?.(cause, signIn, secrets)
    }
    return explainSignInFailure(whatReallyHappened(error, state), context)
  }
}
