// The end of the step: once everything it wrote has reached the OS, the process ends at once instead of waiting for
// idle sockets, unreferenced timers and a request abandoned at its time limit. The file commands (GITHUB_OUTPUT,
// GITHUB_ENV) are written synchronously and the job summary is awaited before this, so only stdout and stderr can
// still hold data: on Windows and for macOS pipes their writes are asynchronous.

/** The part of a stream this needs: what is still queued, and a write whose callback comes once the queue is out. */
export interface OutputStream {
  readonly writableLength: number
  write(chunk: string, callback: (error?: Error | null) => void): boolean
}

export interface ExitDeps {
  readonly streams?: readonly OutputStream[]
  /** Ends the process with process.exitCode (what the run set). */
  readonly exit?: () => never
}

/** Resolves once all that was written to `stream` before the call has been handed on (or the stream failed). */
export function flushed(stream: OutputStream): Promise<void> {
  if (stream.writableLength === 0) return Promise.resolve()
  return new Promise(resolve => {
    stream.write('', () => {
      resolve()
    })
  })
}

/** Waits for stdout and stderr to drain, then ends the process: the normal end of each of the bundle's roles. */
export async function exitWhenWritten(deps: ExitDeps = {}): Promise<never> {
  await Promise.all((deps.streams ?? [process.stdout, process.stderr]).map(flushed))
  return (deps.exit ?? (() => process.exit()))()
}
