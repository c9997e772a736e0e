// The App Service managed-identity protocol (api-version 2019-08-01) as the token server speaks it, in pure rules:
// which requests get a token and which are refused, with what status and words, and the JSON of each answer.
// Refusals are 400, 401, 403, 405 or 413, never 404 or 5xx: the SDKs retry those for seconds (a 5xx only when a
// renewal could not reach Microsoft Entra ID, which is worth retrying).

import { createHash, timingSafeEqual } from 'node:crypto'
import { GUID } from '../lib/guards.js'
import { listInWords, oneLine } from '../lib/text.js'
import { canonicalResource, isArmResource, resourceKey } from '../target/served.js'

export const API_VERSION = '2019-08-01'
/** The path of IDENTITY_ENDPOINT. */
export const ENDPOINT_PATH = '/msi/token'
/** Far beyond a real request (a resource and a client ID); anything longer is refused unread. */
export const MAX_URL_LENGTH = 4096

export interface Served {
  /** Exactly as asked of Entra ID, the step's own first. */
  readonly resources: readonly string[]
  /** The served identity's client (application) ID and object ID, when the step's token named them. */
  readonly clientId?: string
  readonly objectId?: string
  /** IDENTITY_HEADER. */
  readonly header: string
  /** The Host values a caller of this endpoint sends: `127.0.0.1:PORT` (and `localhost:PORT`). */
  readonly hosts: readonly string[]
}

export interface TokenRequest {
  readonly method: string
  /** The request target, path and query. */
  readonly url: string
  readonly host: string | undefined
  readonly identityHeader: string | readonly string[] | undefined
  /** Content-Length, Transfer-Encoding: a GET carries no body. */
  readonly contentLength: string | undefined
  readonly transferEncoding: string | undefined
}

export interface Refusal {
  readonly kind: 'refuse'
  readonly status: 400 | 401 | 403 | 405 | 413 | 414
  readonly error: string
  readonly message: string
  /** A fixed phrase for the counts and the log's kinds: never the caller's text. */
  readonly reason: string
}

/** A token for `resource` (as asked of Entra ID), answered as `asked` (the caller's spelling, which some SDKs check). */
export type Decision = { readonly kind: 'token'; readonly resource: string; readonly asked: string } | Refusal

const refuse = (status: Refusal['status'], error: string, message: string, reason: string): Refusal => ({
  kind: 'refuse',
  status,
  error,
  message,
  reason
})

/** What to do with one request. */
export function decide(request: TokenRequest, served: Served): Decision {
  // DNS rebinding: a web page whose name now points at 127.0.0.1 sends its own name as Host.
  if (request.host === undefined || !served.hosts.includes(request.host.toLowerCase())) {
    return refuse(403, 'invalid_request', 'The Host header does not name this endpoint.', 'another Host')
  }
  if (request.method !== 'GET') return refuse(405, 'invalid_request', 'Only GET is allowed.', 'not GET')
  if (!headerMatches(request.identityHeader, served.header)) {
    return refuse(
      401,
      'unauthorized_client',
      'The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.',
      'no or wrong X-IDENTITY-HEADER'
    )
  }
  if (request.url.length > MAX_URL_LENGTH) {
    return refuse(414, 'invalid_request', 'The request URL is too long.', 'URL too long')
  }
  if (
    (request.contentLength !== undefined && request.contentLength !== '0') ||
    request.transferEncoding !== undefined
  ) {
    return refuse(413, 'invalid_request', 'A token request has no body.', 'a body')
  }
  const url = new URL(request.url, 'http://127.0.0.1')
  if (url.pathname !== ENDPOINT_PATH) {
    return refuse(
      400,
      'invalid_request',
      `Unknown path: use IDENTITY_ENDPOINT as it is set (${ENDPOINT_PATH}).`,
      'unknown path'
    )
  }
  const query = url.searchParams
  const version = query.get('api-version')
  if (version !== API_VERSION) {
    return refuse(
      400,
      'invalid_request',
      `api-version must be ${API_VERSION}, not ${quote(version ?? '(none)')}.`,
      'another api-version'
    )
  }
  const asked = query.get('resource')
  if (asked === null || asked.trim() === '') {
    return refuse(
      400,
      'invalid_request',
      `The resource parameter is required: one of ${allowed(served)}.`,
      'no resource'
    )
  }
  const resource = servedResource(asked, served)
  if (resource === undefined) {
    return refuse(
      400,
      'invalid_resource',
      `This endpoint does not serve ${quote(asked)}: it serves ${allowed(served)}. Add the resource to ` +
        'serve-resources of the step that started it.' +
        (isArmResource(asked) ? ` ${ARM_HINT}` : ''),
      'a resource not served'
    )
  }
  return identityRefusal(query, served) ?? { kind: 'token', resource, asked }
}

/** Azure Resource Manager asked for but not served: most likely a CLI or PowerShell sign-in. */
const ARM_HINT =
  'For az login --identity and Connect-AzAccount -Identity (Azure Resource Manager, asked for as ' +
  "'https://management.core.windows.net/'), add that line to serve-resources: both of its names are then served."

/** The one identity served: a client_id or principal_id naming another is refused (the SDKs add AZURE_CLIENT_ID). */
function identityRefusal(query: URLSearchParams, served: Served): Refusal | undefined {
  const named: [string, string | undefined][] = [
    ['client_id', served.clientId],
    ['principal_id', served.objectId],
    ['object_id', served.objectId]
  ]
  for (const [name, own] of named) {
    const value = query.get(name)
    if (value === null || value === '') continue
    if (own === undefined || value.toLowerCase() !== own.toLowerCase()) {
      return refuse(
        400,
        'invalid_request',
        `This endpoint serves one identity${own === undefined ? '' : ` (${name} ${own})`}, not ${name} ` +
          `${quote(value)}: remove AZURE_CLIENT_ID from this step, or set it to the identity that signed in.`,
        'another identity'
      )
    }
  }
  if (query.get('mi_res_id')) {
    return refuse(
      400,
      'invalid_request',
      'This endpoint serves one identity: remove mi_res_id from the request.',
      'another identity'
    )
  }
  return undefined
}

/** The allowed resource a caller's spelling names, as it is asked of Entra ID. */
function servedResource(asked: string, served: Served): string | undefined {
  const canonical = canonicalResource(asked)
  if (canonical === undefined) return undefined
  const key = resourceKey(canonical)
  return served.resources.find(resource => resourceKey(resource) === key)
}

/** Compared in constant time: hashing first makes the lengths equal, and so hides the header's length too. */
export function headerMatches(given: string | readonly string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest()
  return timingSafeEqual(digest(given), digest(expected))
}

const quote = (text: string): string => `'${oneLine(text).slice(0, 200)}'`
const allowed = (served: Served): string => listInWords(served.resources.map(quote), 'or')

/**
 * The answer App Service gives: expires_on in whole epoch seconds, as a string (Python's azure-identity calls int()),
 * and the resource as the caller spelled it.
 */
export function tokenAnswer(
  token: { token: string; expiresOn: Date },
  resource: string,
  clientId: string | undefined
): Record<string, string> {
  return {
    access_token: token.token,
    expires_on: String(Math.floor(token.expiresOn.getTime() / 1000)),
    resource,
    token_type: 'Bearer',
    ...(clientId !== undefined && GUID.test(clientId) ? { client_id: clientId } : {})
  }
}

/** A managed-identity error as the SDKs read it: OAuth's error and error_description, and App Service's fields. */
export function errorAnswer(status: number, error: string, message: string): Record<string, string | number> {
  return { error, error_description: message, statusCode: status, message }
}

/** A renewal that failed: 400 when Entra ID refused (its AADSTS code is in the explanation), else 503, which the
 *  SDKs retry. */
export function renewalFailureStatus(explanation: string): 400 | 503 {
  return /\bAADSTS\d+/.test(explanation) ? 400 : 503
}
