// Which process a pid names: once a process has ended, its pid is given to the next one, so the post step checks that
// the pid it saved is still the token server's before signalling it. Linux keeps each process's start time (in clock
// ticks since boot, /proc/PID/stat field 22), which tells two processes that had the same pid apart. Elsewhere there
// is no such record to read, and the server's own report (its pid, and whether it recorded its end) is all there is.

import { readFileSync } from 'node:fs'

/** The process's start time as the kernel records it, or undefined when there is no such process or no /proc. */
export function processStartTime(pid: number): string | undefined {
  let stat: string
  try {
    stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // Field 2, the command name, is in parentheses and may itself hold spaces and parentheses: count after the last ')'.
  const close = stat.lastIndexOf(')')
  if (close < 0) return undefined
  const fields = stat.slice(close + 2).split(' ')
  const startTime = fields[22 - 3]
  return startTime !== undefined && /^\d+$/.test(startTime) ? startTime : undefined
}
