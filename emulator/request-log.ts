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

/** Polls in a row that must see the same length before the log counts as settled. */
const STABLE_POLLS = 3

/**
 * The log once it has stopped growing: the emulator appends after each answer, and a request whose client went away
 * is logged only when the server notices, so one quiet poll is not enough on a loaded machine. Gives up waiting after
 * `limitMs` and returns what is there.
 */
export async function settledRequestLog(file: string, pollMs: number, limitMs = 10_000): Promise<RequestLogEntry[]> {
  const deadline = Date.now() + limitMs
  let entries = readRequestLog(file)
  let stable = 0
  while (stable < STABLE_POLLS && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, pollMs))
    const next = readRequestLog(file)
    stable = next.length === entries.length ? stable + 1 : 0
    entries = next
  }
  return entries
}
