import { describe, expect, it } from '@jest/globals'
import { formatLimit, formatSeconds, parseDuration } from '../../src/lib/durations.js'

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['500ms', 500],
    ['90S', 90_000],
    ['1m30s', 90_000],
    ['2h', 7_200_000]
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', '30', '1.5s', '5 m', '-1s', '1d'])('refuses %j', text => {
    expect(parseDuration(text)).toBeUndefined()
  })
})

describe('formatting', () => {
  it('shows times in seconds to a tenth, and limits in whole hours or minutes', () => {
    expect([formatSeconds(0), formatSeconds(1450), formatSeconds(60_000)]).toEqual(['0s', '1.5s', '60s'])
    expect([formatLimit(21_600_000), formatLimit(600_000)]).toEqual(['6h', '10m'])
  })
})
