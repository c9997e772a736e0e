// The sign-in: asks GitHub for its token where the method presents one, builds the method's credential, gets the
// access token within a time limit, and is the one place a failure is explained.

import type { AccessToken, TokenCredential } from '@azure/identity'
import { type ActionError, UnreadableAnswerError } from '../errors.js'
import { withDeadline } from '../lib/deadline.js'
import { decodeJwtPayload } from '../lib/jwt.js'
import type { SignInContext } from './explain/context.js'
import { explainSignInFailure } from './explain/index.js'
import { leaveFormDataUnread } from './form-data-unread.js'
import { type GitHubAssertion, type GitHubTokenDeps, startGitHubAssertion } from './github-oidc.js'
import { type IssuedToken, readTokenClaims } from './issued-token.js'
import type { Env, SignInMethod } from './method.js'
import { type CredentialLimits, DEFAULT_LIMITS, type SignInState } from './pipeline.js'
import { type SignIn, methodOf } from './registry.js'

export interface SignInRequest {
  readonly signIn: SignIn
  readonly authorityHost: string
  /** The resource (audience) the token is for; the scope asked for is `${resource}/.default`. */
  readonly resource: string
  /** The inputs' secrets: a server may echo any of them, so each is removed from what is shown. */
  readonly secrets: readonly string[]
}

export interface SignInDeps extends GitHubTokenDeps {
  /** Where the runner's OIDC request variables and the managed identity endpoint are read; process.env by default. */
  readonly env?: Env
  readonly limits?: CredentialLimits
  /** The whole sign-in's time limit, a backstop above the per-request limits. */
  readonly timeoutMs?: number
  /** A credential to use instead of the method's own: lets a unit test answer without a sign-in host. */
  readonly credential?: TokenCredential
}

const DEFAULT_SIGN_IN_TIMEOUT_MS = 60_000

/** Signs in and reads what the outputs need from the token. Every failure is an ActionError that says what to do. */
export async function getAccessToken(request: SignInRequest, deps: SignInDeps): Promise<IssuedToken> {
  const { signIn, authorityHost, resource } = request
  const method = methodOf(signIn)
  const env = deps.env ?? process.env
  const limits = deps.limits ?? DEFAULT_LIMITS

  // GitHub is asked for its token now, while the identity library loads.
  const audience = method.githubAudience?.(signIn)
  const github = audience === undefined ? undefined : startGitHubAssertion(audience, deps, env, limits)
  // Loading the identity library holds the event loop for tens of milliseconds, and with it the connection to
  // GitHub: let the request go out first, then load while GitHub answers.
  await github?.sent
  const state: SignInState = {}
  const credential =
    deps.credential ??
    (await method.credential(signIn, {
      authorityHost,
      limits,
      state,
      ...(github === undefined ? {} : { github })
    }))

  const explain = explainer(request, method, state, github)

  leaveFormDataUnread()
  const abort = new AbortController()
  let accessToken: AccessToken | null
  try {
    accessToken = await withDeadline(
      credential.getToken(`${resource}/.default`, { abortSignal: abort.signal }),
      deps.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS,
      method.endpoint(signIn, authorityHost, env)
    )
  } catch (error) {
    abort.abort()
    throw explain(error)
  }
  if (!accessToken?.token) throw explain(new Error('The sign-in returned no access token.'))
  const expiresOn = expiryOf(accessToken)
  if (expiresOn === undefined) throw explain(new Error('The sign-in returned a token without a valid expiry time.'))
  return {
    token: accessToken.token,
    expiresOn,
    resource,
    claims: readTokenClaims(accessToken.token),
    signInMethod: signIn.type
  }
}

/** Explains a failure of this sign-in, with what the method and its last request can tell. */
function explainer(
  { signIn, resource, authorityHost, secrets }: SignInRequest,
  method: SignInMethod<SignIn>,
  state: SignInState,
  github: GitHubAssertion | undefined
): (error: unknown) => ActionError {
  return error => {
    const context: SignInContext = {
      signIn,
      resource,
      authorityHost,
      // The usual endpoint, as configured; a deadline that fires names the endpoint it waited for.
      endpoint: method.endpoint(signIn, authorityHost, {}),
      secrets,
      ...(github?.state.githubClaims ? { githubClaims: github.state.githubClaims } : {}),
      explainOwn: cause => method.explain?.(cause, signIn, secrets)
    }
    // MSAL replaces a timeout, a refused connection or an unreadable answer by a bare network_error: explain what
    // really happened last.
    return explainSignInFailure(isNetworkError(error) ? (whatHappened(state) ?? error) : error, context)
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

/** The latest time a Date holds; beyond it toISOString() throws. */
const MAX_DATE_MS = 8.64e15

/**
 * When the token expires: as the credential says, or else as the token's own `exp` claim says (a tool's answer can
 * carry an expiry the library could not read).
 */
function expiryOf(accessToken: AccessToken): Date | undefined {
  const exp = decodeJwtPayload(accessToken.token).exp
  const candidates = [accessToken.expiresOnTimestamp, typeof exp === 'number' ? exp * 1000 : Number.NaN]
  const ms = candidates.find(value => Number.isFinite(value) && value > 0 && value <= MAX_DATE_MS)
  return ms === undefined ? undefined : new Date(ms)
}
