// What Microsoft Entra ID said when it refused a sign-in, read from wherever the library put it: the AADSTS code, the
// description, and the trace and correlation IDs a support case needs.

import { GUID_PATTERN, isRecord, nonEmptyString } from '../../lib/guards.js'
import { errorChain } from './chain.js'

export interface EntraFailure {
  /** Like `AADSTS70021`; absent when the failure names none. */
  readonly code?: string
  /** The OAuth error (`invalid_client`, `invalid_request`, ...). */
  readonly oauthError?: string
  /** Microsoft Entra ID's description (raw server text: sanitize before showing). */
  readonly description?: string
  readonly traceId?: string
  readonly correlationId?: string
  readonly timestamp?: string
}

function firstMatch(texts: readonly string[], pattern: RegExp): string | undefined {
  for (const text of texts) {
    const found = pattern.exec(text)?.[1]
    if (found) return found
  }
  return undefined
}

/**
 * What the token endpoint said, from wherever the library put it: MSAL's ServerError (errorCode, errorNo,
 * correlationId and a message `error: Error(s): codes - Timestamp - Description - Correlation ID - Trace ID`),
 * @azure/identity's AuthenticationError (`errorResponse`), or the text of an AuthenticationRequiredError wrapping them.
 */
export function readEntraFailure(error: unknown): EntraFailure {
  const chain = errorChain(error)
  const texts: string[] = []
  let code: string | undefined
  let oauthError: string | undefined
  let description: string | undefined
  let traceId: string | undefined
  let correlationId: string | undefined
  let timestamp: string | undefined
  for (const link of chain) {
    const response = isRecord(link.errorResponse) ? link.errorResponse : undefined
    if (response) {
      const codes = response.errorCodes
      if (!code && Array.isArray(codes) && typeof codes[0] === 'number') code = `AADSTS${String(codes[0])}`
      oauthError ??= nonEmptyString(response.error)
      description ??= nonEmptyString(response.errorDescription)
      traceId ??= nonEmptyString(response.traceId)
      correlationId ??= nonEmptyString(response.correlationId)
      timestamp ??= nonEmptyString(response.timestamp)
    }
    if (!code && typeof link.errorNo === 'number') code = `AADSTS${String(link.errorNo)}`
    if (!code && typeof link.errorNo === 'string' && /^\d+$/.test(link.errorNo)) code = `AADSTS${link.errorNo}`
    const message = nonEmptyString(link.message)
    if (message) texts.push(message)
    const errorMessage = nonEmptyString(link.errorMessage)
    if (errorMessage) texts.push(errorMessage)
  }
  if (description) texts.unshift(description)
  code ??= firstMatch(texts, /\b(AADSTS\d{5,8})\b/)
  const listed = firstMatch(texts, /Error\(s\):\s*(\d{5,8})/)
  if (!code && listed) code = `AADSTS${listed}`
  oauthError ??= firstMatch(texts, /^([a-z]+(?:_[a-z]+)+):\s/)
  description ??=
    firstMatch(texts, /Description:\s*([\s\S]*?)(?:\s+-\s+Correlation ID:|$)/) ??
    firstMatch(texts, /(AADSTS\d+:[\s\S]*)/)
  traceId ??= firstMatch(texts, new RegExp(`Trace ID:\\s*(${GUID_PATTERN})`, 'i'))
  correlationId ??= firstMatch(texts, new RegExp(`Correlation ID:\\s*(${GUID_PATTERN})`, 'i'))
  // MSAL's own correlationId field can hold its request's ID rather than the server's: a last resort only.
  correlationId ??= chain.map(link => nonEmptyString(link.correlationId)).find(id => id !== undefined)
  timestamp ??= firstMatch(texts, /Timestamp:\s*(\d{4}-\d\d-\d\d[ T][\d:.]+Z?)/)
  return { code, oauthError, description, traceId, correlationId, timestamp }
}

export function supportLine(failure: EntraFailure): string | undefined {
  const parts = [
    failure.code ? `code ${failure.code}` : undefined,
    failure.oauthError ? `error ${failure.oauthError}` : undefined,
    failure.traceId ? `trace ID ${failure.traceId}` : undefined,
    failure.correlationId ? `correlation ID ${failure.correlationId}` : undefined,
    failure.timestamp ? `timestamp ${failure.timestamp}` : undefined
  ].filter((part): part is string => part !== undefined)
  return parts.length > 0 ? `For a support case: ${parts.join(', ')}.` : undefined
}
