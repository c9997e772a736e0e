// GitHub's OIDC token asked of the runner's endpoint with the request @actions/core's getIDToken sends (GET
// ACTIONS_ID_TOKEN_REQUEST_URL with `&audience=`, the request token as a bearer, transient answers retried as core
// retries them), made here rather than through core for two reasons: core reads the answer whole, however large, and
// a stand-in of @actions/core (@github/local-action's) has no getIDToken at all.

import { HttpClient } from '@actions/http-client'
import { isRecord } from '../lib/guards.js'
import { readTextAtMost } from '../lib/read-text.js'

/** What core.getIDToken retries: 502, 503 and 504, up to ten times. */
const MAX_RETRIES = 10

/** Far beyond a JWT in `{"value": ...}`, short of a flood. */
const MAX_ANSWER_BYTES = 64 * 1024

export interface OidcRequestDeps {
  readonly env: Readonly<Record<string, string | undefined>>
  /** core.setSecret: the token is masked before it is returned, as core.getIDToken does. */
  readonly setSecret: (secret: string) => void
}

/** getIDToken for the sign-in: the runner's endpoint asked directly, its answer bounded. */
export function githubIdToken(deps: OidcRequestDeps): (audience: string) => Promise<string> {
  return audience => requestIdToken(audience, deps)
}

/** GET ACTIONS_ID_TOKEN_REQUEST_URL&audience=..., with the request token; redirects are not followed. */
export async function requestIdToken(audience: string, deps: OidcRequestDeps): Promise<string> {
  const base = deps.env.ACTIONS_ID_TOKEN_REQUEST_URL
  const requestToken = deps.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  // core's own words, which the sign-in's explanation of a missing id-token permission recognises.
  if (!base) throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable')
  if (!requestToken) throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable')
  const url = `${base}&audience=${encodeURIComponent(audience)}`
  // No redirects: the request token must reach the runner's endpoint only.
  const client = new HttpClient('actions/oidc-client', undefined, {
    allowRetries: true,
    maxRetries: MAX_RETRIES,
    allowRedirects: false
  })
  const response = await client.get(url, { authorization: `Bearer ${requestToken}`, accept: 'application/json' })
  const status = response.message.statusCode ?? 0
  const { text: body } = await readTextAtMost(
    response.message,
    MAX_ANSWER_BYTES,
    () => new Error(`The GitHub OIDC endpoint answered more than ${MAX_ANSWER_BYTES} bytes`)
  )
  // The answer's text is left out: an endpoint that echoes the request would show its bearer.
  if (status !== 200) throw new Error(`Failed to get ID Token. Error Code : ${String(status)}`)
  const token = valueOf(body)
  if (token === undefined) throw new Error('Response json body do not have ID Token field')
  deps.setSecret(token)
  return token
}

function valueOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body)
    return isRecord(parsed) && typeof parsed.value === 'string' && parsed.value !== '' ? parsed.value : undefined
  } catch {
    return undefined
  }
}
