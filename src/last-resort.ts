// The last resort: whatever escapes the run (an exception thrown in a callback, a promise nobody awaited) still ends
// the step with one clear ::error:: and exit code 1, never a raw stack trace and never exit 0; the post step with one
// ::warning:: and exit 0, since nothing it does can undo the job's work.

import * as core from '@actions/core'
import { sanitizeServerText } from './lib/text.js'

let installed = false

/** How an escape ends the process: the step fails; the post step only warns (exit 0), since the job's work is done. */
export type LastResortEnd = 'fail' | 'warn'

/** Installs the handlers once; `secrets` gives what must be removed from the message at the time it is shown. */
export function installLastResort(secrets: () => readonly string[], end: LastResortEnd = 'fail'): void {
  if (installed) return
  installed = true
  const last = (error: unknown): void => {
    const message = sanitizeServerText(error instanceof Error ? error.message : String(error), secrets())
    try {
      if (end === 'warn') {
        core.warning(`Unexpected failure in the post step, which leaves the job as it was: ${message}`, {
          title: 'Unexpected failure'
        })
      } else {
        core.error(`Unexpected failure, the step stopped: ${message}`, { title: 'Unexpected failure' })
      }
    } finally {
      process.exit(end === 'warn' ? 0 : 1)
    }
  }
  process.on('uncaughtException', last)
  process.on('unhandledRejection', last)
}
