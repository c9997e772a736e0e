// Bounded concurrency: enough work in flight to overlap latency, never a flood.

/** A gate for at most `limit` tasks at once: the others wait their turn, in the order they came. */
export type Gate = <R>(task: () => Promise<R>) => Promise<R>

export function boundedGate(limit: number): Gate {
  let running = 0
  const waiting: (() => void)[] = []
  return async task => {
    // A finished task hands its place straight to the next in line, so `running` counts places, not tasks.
    if (running < limit) running++
    else await new Promise<void>(resolve => waiting.push(resolve))
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else running--
    }
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the items' order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>
): Promise<R[]> {
  const gate = boundedGate(limit)
  return Promise.all(items.map((item, index) => gate(() => fn(item, index))))
}
