// Time limits on promises: a sign-in or GitHub OIDC request that never answers fails naming what did not answer,
// instead of hanging the job.

import { formatSeconds } from './durations.js'

/** Runs `task` but gives up after `ms` with a message naming what did not answer. */
export async function withDeadline<T>(task: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new DeadlineError(what, ms))
    }, ms)
    // A pending deadline must not keep the process alive once the task is done.
    timer.unref()
  })
  try {
    return await Promise.race([task, deadline])
  } finally {
    clearTimeout(timer)
  }
}

export class DeadlineError extends Error {
  readonly endpoint: string
  constructor(endpoint: string, ms: number, options?: { cause?: unknown }) {
    super(`No answer from ${endpoint} within ${formatSeconds(ms)}`, options)
    this.name = 'DeadlineError'
    this.endpoint = endpoint
  }
}
