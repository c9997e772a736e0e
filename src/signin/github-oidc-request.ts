// GitHub's OIDC token asked of the runner's endpoint directly, for where @actions/core cannot ask: a stand-in of
// @actions/core (such as @github/local-action's, whose getIDToken is not implemented) runs the action on a developer's
// machine against a local OIDC endpoint. The request is the one @actions/core sends: GET ACTIONS_ID_TOKEN_REQUEST_URL
// with `&audience=`, the request token as a bearer, transient answers retried as core retries them.

import { HttpClient } from '@actions/http-client'
import { isRecord } from '../lib/guards.js'

/** What core.getIDToken retries: 502, 503 and 504, up to ten times. */
const MAX_RETRIES = 10

/** Far beyond a JWT in `{"value": ...}`, short of a flood. */
const MAX_ANSWER_BYTES = 64 * 1024

export interface OidcRequestDeps {
  readonly env: Readonly<Record<string, string | undefined>>
  /** core.setSecret: the token is masked before it is returned, as core.getIDToken does. */
  readonly setSecret: (secret: string) => void
}

/** core.getIDToken where it works; the runner's endpoint asked directly where the @actions/core in use cannot. */
export function githubIdToken(
  getIDToken: ((audience: string) => Promise<string>) | undefined,
  deps: OidcRequestDeps
): (audience: string) => Promise<string> {
  return async audience => {
    if (typeof getIDToken === 'function') {
      try {
        return await getIDToken(audience)
      } catch (error) {
        if (!cannotAsk(error)) throw error
      }
    }
    return requestIdToken(audience, deps)
  }
}

/** A stand-in's word that it has no getIDToken: anything else (a refusal, a timeout) is GitHub's answer to explain. */
function cannotAsk(error: unknown): boolean {
  return error instanceof Error && /^not implemented/i.test(error.message)
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
  const body = await readBounded(response.message)
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

async function readBounded(stream: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += chunk.length
    if (size > MAX_ANSWER_BYTES)
      throw new Error(`The GitHub OIDC endpoint answered more than ${MAX_ANSWER_BYTES} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}
