// The token server's log under a flood: the first lines of each kind, then one line per interval with the count, a
// hard size cap with room kept for the last lines, and the counts not yet written at the end. Time is a variable.
import { describe, expect, it } from '@jest/globals'
import { type LogLimits, boundedLog } from '../../src/serve/server-log.js'

const limits: LogLimits = { firstOfKind: 3, intervalMs: 60_000, maxBytes: 4096, reserveBytes: 512 }

function world(l: LogLimits = limits) {
  let now = Date.parse('2026-12-01T10:00:00Z')
  const lines: string[] = []
  const log = boundedLog(
    text => lines.push(text),
    () => now,
    l
  )
  return { log, lines, advance: (ms: number) => (now += ms), bytes: () => Buffer.byteLength(lines.join('')) }
}

describe('the server log', () => {
  it('writes the first lines of a kind, then counts them, with one line per interval', () => {
    const { log, lines, advance } = world()
    for (let i = 0; i < 1000; i++) {
      log.line(`refused a request: 401 (${i})`, '401 no header')
      advance(100)
    }
    // 1000 lines over 100 s: 3 written, then one count after the first minute; the rest waits for the end.
    expect(lines).toHaveLength(4)
    expect(lines.slice(0, 3).map(l => l.replace(/^\S+ /, ''))).toEqual([
      'refused a request: 401 (0)\n',
      'refused a request: 401 (1)\n',
      'refused a request: 401 (2)\n'
    ])
    expect(lines[3]).toMatch(
      /^2026-12-01T10:01:00\.200Z 600 more like this \(401 no header\) since 2026-12-01T10:00:00\.200Z\n$/
    )
    log.end('ended: stopped by the post step')
    expect(lines.slice(4).map(l => l.replace(/^\S+ /, ''))).toEqual([
      '397 more like this (401 no header) since 2026-12-01T10:01:00.200Z\n',
      'ended: stopped by the post step\n'
    ])
  })

  it('keeps each kind apart, and lines without a kind are all written', () => {
    const { log, lines } = world()
    for (let i = 0; i < 10; i++) {
      log.line('a', '401 no header')
      log.line('b', '403 another user')
      log.line('new token')
    }
    expect(lines.filter(l => l.endsWith(' a\n'))).toHaveLength(3)
    expect(lines.filter(l => l.endsWith(' b\n'))).toHaveLength(3)
    expect(lines.filter(l => l.endsWith(' new token\n'))).toHaveLength(10)
  })

  it('stops at its cap, says so once, and still has room for the last lines', () => {
    const { log, lines, bytes } = world()
    for (let i = 0; i < 10_000; i++) log.line(`line ${i} ${'x'.repeat(40)}`)
    expect(bytes()).toBeLessThanOrEqual(limits.maxBytes - limits.reserveBytes + 200)
    expect(lines.filter(l => l.includes('reached its cap'))).toHaveLength(1)
    log.end('ended: its time limit')
    expect(lines.at(-1)).toMatch(/ ended: its time limit\n$/)
    expect(bytes()).toBeLessThanOrEqual(limits.maxBytes)
  })

  it('never passes the cap, even with a reserve too small for the last line', () => {
    const { log, bytes } = world({ ...limits, reserveBytes: 0 })
    for (let i = 0; i < 10_000; i++) log.line(`line ${i}`)
    log.end('x'.repeat(5000))
    expect(bytes()).toBeLessThanOrEqual(limits.maxBytes)
  })
})
