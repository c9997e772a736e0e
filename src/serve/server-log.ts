// The token server's log, bounded whatever a local process sends it: lines of one kind (a refusal's status and
// reason) are written the first few times, then counted, with one line per interval saying how many more there were;
// and the whole log stops at a hard size cap, keeping room for its last lines. Time comes from the caller.

export interface LogLimits {
  /** Lines of one kind written before they are only counted. */
  readonly firstOfKind: number
  /** How often a counted kind gets its line with the count. */
  readonly intervalMs: number
  /** The log's hard cap, in bytes. */
  readonly maxBytes: number
  /** Kept free below the cap for the last lines (the counts at the end, why the server ended). */
  readonly reserveBytes: number
}

/** A few lines of each kind tell what happened; a flood of refusals then costs one line a minute, and 1 MiB at most
 *  however long it goes on. */
export const LOG_LIMITS: LogLimits = {
  firstOfKind: 5,
  intervalMs: 60_000,
  maxBytes: 1024 * 1024,
  reserveBytes: 16 * 1024
}

export interface ServerLog {
  /** A line; with a kind, one that may come in a flood. */
  line(text: string, kind?: string): void
  /** The counts not yet written, and a last line: at the end, within the reserve. */
  end(text: string): void
}

interface KindState {
  seen: number
  /** Counted since the last line written for the kind, and since when. */
  unwritten: number
  since: number
}

export function boundedLog(
  write: (text: string) => void,
  now: () => number,
  limits: LogLimits = LOG_LIMITS
): ServerLog {
  const kinds = new Map<string, KindState>()
  let written = 0
  let capped = false

  const put = (text: string, limit: number): boolean => {
    const line = `${new Date(now()).toISOString()} ${text}\n`
    const bytes = Buffer.byteLength(line)
    if (written + bytes > limit) return false
    written += bytes
    write(line)
    return true
  }
  const ordinary = (text: string): void => {
    if (capped || put(text, limits.maxBytes - limits.reserveBytes)) return
    capped = true
    put(
      `The log reached its cap of ${limits.maxBytes} bytes: later lines are left out (the report still counts everything).`,
      limits.maxBytes
    )
  }
  const countLine = (kind: string, state: KindState): string =>
    `${state.unwritten} more like this (${kind}) since ${new Date(state.since).toISOString()}`

  return {
    line(text, kind) {
      if (kind === undefined) {
        ordinary(text)
        return
      }
      const state = kinds.get(kind) ?? { seen: 0, unwritten: 0, since: now() }
      kinds.set(kind, state)
      state.seen++
      if (state.seen <= limits.firstOfKind) {
        ordinary(text)
        state.since = now()
        return
      }
      state.unwritten++
      if (now() - state.since < limits.intervalMs) return
      ordinary(countLine(kind, state))
      state.unwritten = 0
      state.since = now()
    },
    end(text) {
      for (const [kind, state] of kinds) {
        if (state.unwritten > 0) put(countLine(kind, state), limits.maxBytes)
        state.unwritten = 0
      }
      put(text, limits.maxBytes)
    }
  }
}
