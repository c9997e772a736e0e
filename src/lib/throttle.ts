// Work asked for often but done at most once per interval: a burst of requests becomes one run now and one more at
// the end of the interval, never a run per request. Time and timers come from the caller.

export interface Timers {
  readonly now: () => number
  readonly setTimeout: (run: () => void, ms: number) => unknown
  readonly clearTimeout: (handle: unknown) => void
}

const realTimers: Timers = {
  now: Date.now,
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: handle => clearTimeout(handle as NodeJS.Timeout)
}

export interface Throttled {
  /** Runs the work now if it has not run within the interval, or once when the interval ends. */
  request(): void
  /** Runs it now, whatever was asked: the last run, at the end. */
  flush(): void
}

export function throttle(work: () => void, intervalMs: number, timers: Timers = realTimers): Throttled {
  let last = Number.NEGATIVE_INFINITY
  let scheduled: unknown
  const run = (): void => {
    if (scheduled !== undefined) timers.clearTimeout(scheduled)
    scheduled = undefined
    last = timers.now()
    work()
  }
  return {
    request() {
      if (scheduled !== undefined) return
      const wait = last + intervalMs - timers.now()
      if (wait <= 0) run()
      else scheduled = timers.setTimeout(run, wait)
    },
    flush: run
  }
}
