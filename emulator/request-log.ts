// The emulator command's request log (`--log FILE`): one JSON RequestLogEntry a line, appended as requests finish.
// Read back by the namespace steps to prove which requests a run made, and where its token went.
import { readFileSync } from 'node:fs'
import type { RequestLogEntry } from './server.ts'

/** Every entry in the log so far; none when the file does not exist yet. */
export function readRequestLog(file: string): RequestLogEntry[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return []
  }
  return text
    .split('\n')
    .filter(line => line.trim() !== '')
    .map(line => JSON.parse(line) as RequestLogEntry)
}

/** The log once it has stopped growing: the emulator appends asynchronously, after each answer. */
export async function settledRequestLog(file: string, pollMs: number): Promise<RequestLogEntry[]> {
  let previous = -1
  for (;;) {
    const entries = readRequestLog(file)
    if (entries.length === previous) return entries
    previous = entries.length
    await new Promise(resolve => setTimeout(resolve, pollMs))
  }
}
