// Statistics over samples, and the requests a scenario made per run. Pure: no I/O.

export interface Stats {
  readonly median: number
  /** First and third quartiles: the middle half of the samples lies between them. */
  readonly q1: number
  readonly q3: number
  readonly min: number
  readonly max: number
  readonly runs: number
}

/** The value at fraction `p` of the sorted samples, interpolated between neighbours. */
function quantile(sorted: readonly number[], p: number): number {
  const at = (sorted.length - 1) * p
  const low = Math.floor(at)
  const lower = sorted[low] ?? 0
  return lower + ((sorted[Math.min(low + 1, sorted.length - 1)] ?? lower) - lower) * (at - low)
}

export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error('no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    median: quantile(sorted, 0.5),
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    min: sorted[0] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
    runs: sorted.length
  }
}

/** What the report needs of a logged request (the emulator's in-process log and its JSON-lines file agree on it). */
export interface SeenRequest {
  readonly party: string
  readonly method: string
  readonly path: string
  /** Arrival, ms since the Unix epoch. */
  readonly time?: number
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

/** `entra POST /{id}/oauth2/v2.0/token`: one key per endpoint, without the query, GUIDs (tenant, job) as `{id}`. */
export function endpointKey(request: SeenRequest): string {
  const path = request.path.split('?')[0] ?? ''
  return `${request.party} ${request.method} ${path.replace(GUID, '{id}')}`
}

export function countByEndpoint(requests: readonly SeenRequest[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const request of requests) {
    const key = endpointKey(request)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return counts
}

/** Requests per run for each endpoint: "1" when every run agreed, "1–2" when they did not. */
export function requestsPerRun(runs: readonly (readonly SeenRequest[])[]): string {
  const perRun = runs.map(countByEndpoint)
  const keys = [...new Set(perRun.flatMap(counts => [...counts.keys()]))].sort()
  if (keys.length === 0) return 'none'
  return keys
    .map(key => {
      const { min, max } = stats(perRun.map(counts => counts.get(key) ?? 0))
      return `${min === max ? String(min) : `${min}–${max}`}× ${key}`
    })
    .join('<br>')
}
