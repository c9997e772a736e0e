// @actions/core writes its workflow commands (`::add-mask::<token>`, `::debug::`) to process.stdout. Run in-process
// by a Jest suite they would land in the CI log; the suites capture them for the duration instead, and can assert
// on them.

export interface StdoutCapture {
  /** Every chunk written since the capture began, as text. */
  readonly chunks: readonly string[]
  restore(): void
}

/** Captures process.stdout writes until restore(); nothing reaches the terminal meanwhile. */
export function captureStdout(): StdoutCapture {
  const chunks: string[] = []
  const original = Object.getOwnPropertyDescriptor(process.stdout, 'write')
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
    // write(chunk, encoding?, callback?): a caller waiting for its callback must still get it.
    const callback = rest.find(arg => typeof arg === 'function') as (() => void) | undefined
    if (callback) process.nextTick(callback)
    return true
  }
  process.stdout.write = write
  return {
    chunks,
    restore: () => {
      if (original) Object.defineProperty(process.stdout, 'write', original)
      else Reflect.deleteProperty(process.stdout, 'write')
    }
  }
}
