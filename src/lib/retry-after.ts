// How long a server asks a client to wait before the next try, from the headers Azure services and Entra ID send.

/** The answer's headers, read by lower-case name. */
export type HeaderLookup = (name: string) => string | undefined

/** `x-ms-retry-after-ms` and `retry-after-ms` in milliseconds, and the standard `Retry-After`, first match wins. */
export const RETRY_AFTER_HEADERS = ['x-ms-retry-after-ms', 'retry-after-ms', 'retry-after'] as const
export type RetryAfterHeader = (typeof RETRY_AFTER_HEADERS)[number]

/**
 * One Retry-After header's wait in ms: the millisecond headers as a number, `Retry-After` in seconds or as an HTTP
 * date. Undefined when unreadable.
 */
export function parseRetryAfter(name: RetryAfterHeader, value: string, nowMs: number): number | undefined {
  const text = value.trim()
  if (text === '') return undefined
  if (name !== 'retry-after') {
    const ms = Number(text)
    return Number.isFinite(ms) && ms >= 0 ? ms : undefined
  }
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/** The wait the answer asks for, in ms: the finer millisecond headers first. Undefined when none is readable. */
export function retryAfterMs(header: HeaderLookup, nowMs: number): number | undefined {
  for (const name of RETRY_AFTER_HEADERS) {
    const value = header(name)
    if (value === undefined) continue
    const ms = parseRetryAfter(name, value, nowMs)
    if (ms !== undefined) return ms
  }
  return undefined
}
