// The last resort: whatever escapes the run (an exception thrown in a callback, a promise nobody awaited) still ends
// the step with one clear ::error:: and exit code 1, never a raw stack trace and never exit 0.

import * as core from '@actions/core'
import { sanitizeServerText } from './lib/text.js'

let installed = false

/** Installs the handlers once; `secrets` gives what must be removed from the message at the time it is shown. */
export function installLastResort(secrets: () => readonly string[]): void {
  if (installed) return
  installed = true
  const last = (error: unknown): void => {
    const message = error instanceof Error ? error.message : String(error)
    try {
      core.error(`Unexpected failure, the step stopped: ${sanitizeServerText(message, secrets())}`, {
        title: 'Unexpected failure'
      })
    } finally {
      process.exit(1)
    }
  }
  process.on('uncaughtException', last)
  process.on('unhandledRejection', last)
}
