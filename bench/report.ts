// Pure parts of the benchmark: statistics over samples, requests per run, and the Markdown report. No I/O here:
// scripts/bench.ts measures and writes.

export interface Stats {
  readonly median: number
  readonly min: number
  readonly max: number
  readonly runs: number
}

export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error('no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0, runs: sorted.length }
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

export interface Row {
  readonly label: string
  readonly stats: Stats
  /** Ratio column: this row's median against the baseline's. */
  readonly vsBaseline?: number
  readonly requests?: string
  readonly note?: string
}

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  readonly node: string
  readonly os: string
  readonly date: string
  readonly az?: string
}

export interface TargetCheck {
  readonly target: string
  readonly measured: string
  /** undefined: could not be measured on this machine. */
  readonly met: boolean | undefined
}

export interface FileSize {
  readonly name: string
  readonly bytes: number
  readonly gzipBytes: number
  readonly note?: string
}

export interface LoadRow {
  readonly label: string
  readonly peakRssMiB: Stats
  readonly chunks: string
  readonly phases?: string
}

export interface Report {
  readonly machine: Machine
  readonly timings: readonly Row[]
  readonly load: readonly LoadRow[]
  readonly sizes: readonly FileSize[]
  readonly targets: readonly TargetCheck[]
  readonly notes: readonly string[]
}

const ms = (value: number): string => `${Math.round(value)}`
const kib = (bytes: number): string => (bytes / 1024).toFixed(1)
export const ratio = (value: number): string => `${value.toFixed(1)}×`

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(c => c.replace(/\|/g, '\\|')).join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

export function machineLine(machine: Machine): string {
  return (
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB memory, ${machine.os}, ` +
    `Node ${machine.node}${machine.az ? `, Azure CLI ${machine.az}` : ''}; ${machine.date}.`
  )
}

/**
 * The report as Markdown. `level` is the heading level of its sections (2 in bench/RESULTS.md, 3 inside the
 * README's Benchmark section).
 */
export function renderReport(report: Report, level: number): string {
  const h = '#'.repeat(level)
  const runs = report.timings[0]?.stats.runs ?? 0
  const total = report.sizes.reduce((sum, f) => sum + f.bytes, 0)
  const totalGzip = report.sizes.reduce((sum, f) => sum + f.gzipBytes, 0)
  return [
    `Machine: ${machineLine(report.machine)}`,
    '',
    `${h} Wall time`,
    '',
    `Medians of ${runs} runs after a warm-up (min–max), each a fresh process the way the runner starts it; the last ` +
      'column is the requests each run made to the emulator.',
    '',
    table(
      ['Scenario', 'Median ms', 'Min–max ms', '× `node -e 0`', 'Requests per run'],
      report.timings.map(row => [
        row.note ? `${row.label} (${row.note})` : row.label,
        ms(row.stats.median),
        `${ms(row.stats.min)}–${ms(row.stats.max)}`,
        row.vsBaseline === undefined ? '' : ratio(row.vsBaseline),
        row.requests ?? ''
      ])
    ),
    '',
    `${h} Targets (issue 6)`,
    '',
    table(
      ['Target', 'Measured', 'Met'],
      report.targets.map(t => [t.target, t.measured, t.met === undefined ? 'not measured' : t.met ? 'yes' : 'no'])
    ),
    ...(report.load.length === 0
      ? []
      : [
          '',
          `${h} Loading and memory`,
          '',
          'Peak RSS is the process’s own `maxRSS` at exit; the chunks are the files of `dist/` each run loaded.',
          '',
          table(
            ['Run', 'Peak RSS MiB (median, min–max)', 'Chunks loaded', 'Phases (median ms)'],
            report.load.map(row => [
              row.label,
              `${row.peakRssMiB.median.toFixed(1)} (${row.peakRssMiB.min.toFixed(1)}–${row.peakRssMiB.max.toFixed(1)})`,
              row.chunks,
              row.phases ?? ''
            ])
          )
        ]),
    ...(report.sizes.length === 0
      ? []
      : [
          '',
          `${h} Size of \`dist/\``,
          '',
          table(
            ['File', 'KiB', 'gzip KiB', 'What'],
            [
              ...report.sizes.map(f => [f.name, kib(f.bytes), kib(f.gzipBytes), f.note ?? '']),
              ['**total**', kib(total), kib(totalGzip), '']
            ]
          )
        ]),
    ...(report.notes.length > 0 ? ['', `${h} Notes`, '', ...report.notes.map(n => `- ${n}`)] : []),
    ''
  ].join('\n')
}
