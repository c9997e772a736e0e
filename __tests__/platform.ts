// Cases that need a POSIX system (bash scripts, signals): on Windows they are skipped with a loud warning, so a green
// Windows run is never mistaken for their coverage. Linux runs them all.
import { it } from '@jest/globals'

export const windows = process.platform === 'win32'

/** Warns once per reason, in the output of the file that skips. */
export function warnNotRun(what: string, why: string): void {
  const banner = '!'.repeat(100)
  console.warn(`${banner}\nNOT RUN ON WINDOWS: ${what}.\n${why}\n${banner}`)
}

/** `it` on POSIX systems; on Windows `it.skip`, after a warning that names the cases and why. */
export function posixIt(what: string, why: string): typeof it.skip {
  if (!windows) return it
  warnNotRun(what, why)
  return it.skip
}
