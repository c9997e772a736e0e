import { describe, expect, it } from '@jest/globals'
import { parseRetryAfter, retryAfterMs } from '../../src/lib/retry-after.js'

const headers =
  (values: Record<string, string>) =>
  (name: string): string | undefined =>
    values[name]

describe('retryAfterMs', () => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  it('prefers x-ms-retry-after-ms over Retry-After', () => {
    expect(retryAfterMs(headers({ 'x-ms-retry-after-ms': '1500', 'retry-after': '2' }), now)).toBe(1500)
  })
  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(retryAfterMs(headers({ 'retry-after': '3' }), now)).toBe(3000)
    expect(retryAfterMs(headers({ 'retry-after': 'Tue, 01 Jan 2030 00:00:05 GMT' }), now)).toBe(5000)
    expect(retryAfterMs(headers({ 'retry-after': 'Mon, 31 Dec 2029 23:00:00 GMT' }), now)).toBe(0)
  })
  it('ignores absent or unreadable values', () => {
    expect(retryAfterMs(headers({}), now)).toBeUndefined()
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }), now)).toBeUndefined()
    expect(retryAfterMs(headers({ 'x-ms-retry-after-ms': 'x', 'retry-after': '1' }), now)).toBe(1000)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  it('reads the millisecond headers as numbers and refuses negative or unreadable ones', () => {
    expect(parseRetryAfter('retry-after-ms', '250', now)).toBe(250)
    expect(parseRetryAfter('x-ms-retry-after-ms', '-5', now)).toBeUndefined()
    expect(parseRetryAfter('x-ms-retry-after-ms', 'soon', now)).toBeUndefined()
    expect(parseRetryAfter('retry-after', '', now)).toBeUndefined()
  })
})
