// Work done at most once per interval, with time and timers as variables: a burst is one run now and one at the end
// of the interval; flush runs it at once and cancels what was scheduled.
import { describe, expect, it } from '@jest/globals'
import { throttle } from '../../src/lib/throttle.js'

function world() {
  let now = 0
  const timers: { at: number; run: () => void }[] = []
  const clock = {
    now: () => now,
    setTimeout: (run: () => void, ms: number) => {
      const timer = { at: now + ms, run }
      timers.push(timer)
      return timer
    },
    clearTimeout: (handle: unknown) => {
      const index = timers.indexOf(handle as { at: number; run: () => void })
      if (index >= 0) timers.splice(index, 1)
    }
  }
  const advance = (ms: number): void => {
    now += ms
    for (const timer of timers.filter(t => t.at <= now)) {
      timers.splice(timers.indexOf(timer), 1)
      timer.run()
    }
  }
  return { clock, advance, pending: () => timers.length }
}

describe('throttle', () => {
  it('runs a burst once now and once when the interval ends', () => {
    const { clock, advance } = world()
    let runs = 0
    const saved = throttle(() => runs++, 1000, clock)
    for (let i = 0; i < 5000; i++) {
      saved.request()
      advance(0.1)
    }
    // 500 ms of requests: the first ran, the rest wait for one run at 1 s.
    expect(runs).toBe(1)
    advance(500)
    expect(runs).toBe(2)
    advance(5000)
    expect(runs).toBe(2)
  })

  it('runs at once when the interval has passed, and flush runs now and cancels the scheduled run', () => {
    const { clock, advance, pending } = world()
    let runs = 0
    const saved = throttle(() => runs++, 1000, clock)
    saved.request()
    advance(2000)
    saved.request()
    expect(runs).toBe(2)
    saved.request()
    expect(pending()).toBe(1)
    saved.flush()
    expect(runs).toBe(3)
    expect(pending()).toBe(0)
  })
})
