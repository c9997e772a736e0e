// The GitHub OIDC token an OIDC sign-in presents to Microsoft Entra ID. It is asked for as soon as the inputs are
// known, so the request to GitHub overlaps loading the identity libraries: this module must not import them.

import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { ClientRequest } from 'node:http'
import { DeadlineError, withDeadline } from '../lib/deadline.js'
import { parseUrl } from '../lib/guards.js'
import { decodeJwtPayload, isJwtShaped } from '../lib/jwt.js'
import { sanitizeServerText } from '../lib/text.js'
import { GitHubTokenError } from '../errors.js'
import { explainMissingOidcPermission } from './explain/index.js'
import { ASSERTION_REUSE_MARGIN_MS } from './federated-token.js'

export interface GitHubTokenDeps {
  /** core.getIDToken in production. */
  getIDToken: (audience: string) => Promise<string>
  /** core.info in production; used to log the GitHub token's non-secret claims (iss, sub, aud, job_workflow_ref)
   *  before the exchange, since they are what a federated credential must match. */
  info: (line: string) => void
}

/** What the assertion learns, for the explanation of a failure. */
export interface GitHubTokenState {
  /** The presented GitHub token's claims. */
  githubClaims?: Record<string, unknown>
}

/** The request's URL without its query, which may hold a resource or client ID but nothing a user needs. */
export function endpointOf(url: string): string {
  const parsed = parseUrl(url)
  return parsed ? `${parsed.origin}${parsed.pathname}` : url
}

/** The non-secret claims of a GitHub OIDC token worth showing before the exchange. */
const GITHUB_CLAIMS_SHOWN = ['iss', 'sub', 'aud', 'job_workflow_ref'] as const

/** Longest claim shown: far beyond a real subject or workflow ref, short of a flood. */
const MAX_CLAIM_SHOWN = 300

// JSON quoting escapes line breaks; the sanitizer also removes what JSON leaves (U+2028, U+2029, DEL) and bounds
// the length, so a claim stays on its line and cannot start a workflow command.
function describeClaim(value: unknown): string {
  return value === undefined ? '(absent)' : sanitizeServerText(JSON.stringify(value), [], MAX_CLAIM_SHOWN)
}

/** Fails with the explanation when the job has no OIDC permission: without it there is nothing to ask for. */
export function requireOidcEnvironment(env: Readonly<Record<string, string | undefined>>): void {
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) throw explainMissingOidcPermission()
}

export interface GitHubTokenLimits {
  /** Longest wait for the GitHub OIDC token, core's own retries included. */
  readonly oidcTimeoutMs: number
}

export const GITHUB_TOKEN_LIMITS: GitHubTokenLimits = { oidcTimeoutMs: 20_000 }

/**
 * The assertion callback of an OIDC sign-in: asks GitHub for its token, bounded in time, logs the claims Entra ID will
 * match against a federated credential, and remembers them for the explanation of a mismatch.
 */
export function githubAssertion(
  audience: string,
  deps: GitHubTokenDeps,
  oidcEndpoint: string,
  options: { timeoutMs: number; state?: GitHubTokenState }
): () => Promise<string> {
  let cached: { jwt: string; expiresAtMs: number } | undefined
  let pending: Promise<string> | undefined
  const fetchAssertion = async (): Promise<string> => {
    // core.getIDToken masks the GitHub token itself (setSecret) before returning it.
    let jwt: unknown
    try {
      jwt = await withDeadline(deps.getIDToken(audience), options.timeoutMs, `the GitHub OIDC endpoint ${oidcEndpoint}`)
    } catch (error) {
      // A deadline names the endpoint already; core's word for a missing permission has its own explanation.
      if (error instanceof DeadlineError || /ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN)/.test(String(error))) throw error
      throw new GitHubTokenError(oidcEndpoint, { cause: error })
    }
    if (typeof jwt !== 'string' || !isJwtShaped(jwt)) {
      throw new GitHubTokenError(oidcEndpoint, { cause: new Error(`the answer held ${typeof jwt}, not a JWT`) })
    }
    const claims = decodeJwtPayload(jwt)
    if (options.state) options.state.githubClaims = claims
    deps.info(
      `GitHub OIDC token: ${GITHUB_CLAIMS_SHOWN.map(name => `${name}=${describeClaim(claims[name])}`).join(', ')}`
    )
    if (typeof claims.exp === 'number') cached = { jwt, expiresAtMs: claims.exp * 1000 }
    return jwt
  }
  return () => {
    if (cached && cached.expiresAtMs - Date.now() > ASSERTION_REUSE_MARGIN_MS) return Promise.resolve(cached.jwt)
    pending ??= fetchAssertion().finally(() => {
      pending = undefined
    })
    return pending
  }
}

/** An OIDC sign-in's GitHub token, already asked for. */
export interface GitHubAssertion {
  /** The assertion callback for ClientAssertionCredential: the first call takes the request started at once, later
   *  calls reuse the token while it is fresh and ask again once it nears expiry. */
  readonly getAssertion: () => Promise<string>
  /** Filled in once GitHub has answered. */
  readonly state: GitHubTokenState
  /** Settles once the request is on its way to GitHub (written out, or failed). */
  readonly sent: Promise<void>
}

const REQUEST_CREATED = 'http.client.request.created'

/**
 * Sends with `send` and tells when Node's HTTP client has written out the request for `url`'s path, or, failing that,
 * when the answer settles (the request failed before it was written, or went another way). It only watches: Node
 * publishes every HTTP request it creates on a diagnostics channel.
 */
export function watchRequest<T>(url: string, send: () => Promise<T>): { answer: Promise<T>; written: Promise<void> } {
  const path = parseUrl(url)?.pathname
  let done = (): void => undefined
  const written = new Promise<void>(resolve => {
    done = () => {
      unsubscribe(REQUEST_CREATED, watch)
      resolve()
    }
  })
  const watch = (message: unknown): void => {
    const request = (message as { request?: ClientRequest }).request
    if (path === undefined || request?.path.startsWith(path) !== true) return
    unsubscribe(REQUEST_CREATED, watch)
    request.once('finish', done)
    request.once('close', done)
  }
  // Watching starts before the request is made, so its creation cannot be missed.
  subscribe(REQUEST_CREATED, watch)
  const answer = send()
  answer.then(done, done)
  return { answer, written }
}

/**
 * For a sign-in that presents a GitHub OIDC token: checks the job may ask GitHub for one (failing with the explanation
 * before any request) and asks at once, for `audience`.
 */
export function startGitHubAssertion(
  audience: string,
  deps: GitHubTokenDeps,
  env: Readonly<Record<string, string | undefined>>,
  limits: GitHubTokenLimits = GITHUB_TOKEN_LIMITS
): GitHubAssertion {
  requireOidcEnvironment(env)
  const state: GitHubTokenState = {}
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL ?? ''
  const ask = githubAssertion(audience, deps, endpointOf(url), { timeoutMs: limits.oidcTimeoutMs, state })
  const first = watchRequest(url, ask)
  let prefetched: Promise<string> | undefined = first.answer
  // Handled at once: a failure while the identity libraries load must not be an unhandled rejection. The first call
  // of the callback still receives it, and the sign-in explains it as it would any other failure.
  prefetched.catch(() => undefined)
  return {
    getAssertion: () => {
      const answer = prefetched ?? ask()
      prefetched = undefined
      return answer
    },
    state,
    sent: first.written
  }
}
