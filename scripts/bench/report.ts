// The benchmark report: what it holds, rendered as the Markdown of bench/RESULTS.md, and written out.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { format, resolveConfig } from 'prettier'
import { repoRoot } from '../../emulator/runner.ts'
import { type LatencyHost, PROFILES } from './network.ts'
import type { ServeBench } from './serve.ts'
import type { Stats } from './stats.ts'

export interface Row {
  readonly label: string
  readonly stats: Stats
  /** Ratio columns: this row's median against the median of `node -e 0`, of its floor and of the Azure CLI's token. */
  readonly vsBaseline?: number
  readonly vsFloor?: number
  readonly vsAz?: number
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

/** One scenario run with both bundles in the same rounds: each round's time with this bundle over the other's. */
export interface PairedRow {
  readonly label: string
  readonly mine: Stats
  readonly theirs: Stats
  readonly ratio: Stats
}

export interface Paired {
  /** The entry of the bundle compared against. */
  readonly against: string
  readonly rows: readonly PairedRow[]
}

export interface NetworkRow {
  readonly label: string
  /** Wall time under each of PROFILES, in order. */
  readonly times: readonly Stats[]
  /** Each round's time over the network floor's in the same round, under each profile. */
  readonly vsNetworkFloor: readonly Stats[]
  /** Each round's time under 2P minus its time under P. */
  readonly difference: Stats
  /** criticalRoundTrips (network.ts) of the difference's median. */
  readonly roundTrips: number
}

export interface NetworkTable {
  readonly hosts: readonly LatencyHost[]
  readonly rows: readonly NetworkRow[]
  /** The median TCP connect time to each host under P (one round trip), by the host's label: the delays' check. */
  readonly connectMs: ReadonlyMap<string, number>
}

export interface Report {
  readonly machine: Machine
  readonly timings: readonly Row[]
  readonly paired?: Paired
  /** The network rows under each latency profile (in the namespace, when the latency could be set up). */
  readonly network?: NetworkTable
  readonly load: readonly LoadRow[]
  readonly sizes: readonly FileSize[]
  readonly targets: readonly TargetCheck[]
  readonly notes: readonly string[]
  /** The token server's latencies and idle use (serve-tokens). */
  readonly serve?: ServeBench
}

/** Hand-written: what was changed for speed and what still costs, with the one-off measurements behind it. */
const FINDINGS_FILE = join(repoRoot, 'bench/findings.md')

const ms = (value: number): string => `${Math.round(value)}`
const kib = (bytes: number): string => (bytes / 1024).toFixed(1)
export const ratio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '')

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

const optionalRatio = (value: number | undefined): string => (value === undefined ? '' : ratio(value))

function wallTime(timings: readonly Row[]): string[] {
  const runs = timings[0]?.stats.runs ?? 0
  return [
    '## Wall time',
    `Medians of ${runs} runs after a warm-up, with the middle half of the runs (first to third quartile) and the ` +
      'min–max, each a fresh process the way the runner starts it, every scenario once per round. Each median is also ' +
      'given as a ratio to those of `node -e 0`, of the library-free floor measured in the same place (in-process or ' +
      'in the namespace) and of `az account get-access-token`; the last column is the requests each run made to the ' +
      'emulator.',
    table(
      [
        'Scenario',
        'Median ms',
        'Middle half ms',
        'Min–max ms',
        '× `node -e 0`',
        '× floor',
        '× `az account get-access-token`',
        'Requests per run'
      ],
      timings.map(row => [
        row.note ? `${row.label} (${row.note})` : row.label,
        ms(row.stats.median),
        `${ms(row.stats.q1)}–${ms(row.stats.q3)}`,
        `${ms(row.stats.min)}–${ms(row.stats.max)}`,
        optionalRatio(row.vsBaseline),
        optionalRatio(row.vsFloor),
        optionalRatio(row.vsAz),
        row.requests ?? ''
      ])
    )
  ]
}

function pairedRuns(paired: Paired | undefined): string[] {
  if (paired === undefined) return []
  return [
    '## Against another bundle',
    `Each scenario ran with this bundle and with \`${paired.against}\` one after the other in every round; the ratio ` +
      'is taken per round (this bundle’s time over the other’s), then summarised.',
    table(
      [
        'Scenario',
        'This bundle, median ms',
        'Other bundle, median ms',
        'Ratio per round: median',
        'middle half',
        'min–max'
      ],
      paired.rows.map(row => [
        row.label,
        ms(row.mine.median),
        ms(row.theirs.median),
        ratio(row.ratio.median),
        `${ratio(row.ratio.q1)}–${ratio(row.ratio.q3)}`,
        `${ratio(row.ratio.min)}–${ratio(row.ratio.max)}`
      ])
    )
  ]
}

function underLatency(network: NetworkTable | undefined): string[] {
  if (network === undefined) return []
  const hosts = network.hosts
    .map(host => {
      const connect = network.connectMs.get(host.label)
      return (
        `${host.label} ${host.rttMs} ms` +
        (connect === undefined ? '' : ` (TCP connect measured ${connect.toFixed(1)} ms)`)
      )
    })
    .join(', ')
  return [
    '## Under network latency',
    `Round-trip times under profile P: ${hosts}; 2P is twice each, 0 none. Each host answers on its own loopback ` +
      'address in the namespace, whose packets a queue reader holds half a round trip each way ' +
      '(`scripts/bench/latency.ts`). Every row under every profile ran once per round; each cell is the median with, ' +
      'in brackets, the median of the per-round ratios to the network floor of the same profile. 2P − P is the median ' +
      'of the per-round differences; the round trips in sequence follow from it (`criticalRoundTrips` in ' +
      '`scripts/bench/network.ts`: GitHub’s three, then as many to Entra ID as to the FHIR service).',
    table(
      ['Row', ...PROFILES.map(p => (p.scale === 0 ? '0 ms' : p.name)), '2P − P ms', 'Round trips in sequence'],
      network.rows.map(row => [
        row.label.replace(/^Shipped defaults: /, ''),
        ...row.times.map((t, i) => `${ms(t.median)} (${ratio(row.vsNetworkFloor[i]?.median ?? NaN)})`),
        `${ms(row.difference.median)} (${ms(row.difference.q1)}–${ms(row.difference.q3)})`,
        row.roundTrips.toFixed(1)
      ])
    )
  ]
}

function targets(checks: readonly TargetCheck[]): string[] {
  return [
    '## Targets',
    table(
      ['Target', 'Measured', 'Met'],
      checks.map(t => [t.target, t.measured, t.met === undefined ? 'not measured' : t.met ? 'yes' : 'no'])
    )
  ]
}

function loadingAndMemory(load: readonly LoadRow[]): string[] {
  return [
    '## Loading and memory',
    'Peak RSS is the process’s own `maxRSS` at exit; the chunks are the files of `dist/` each run loaded.',
    table(
      ['Run', 'Peak RSS MiB (median, min–max)', 'Chunks loaded', 'Phases (median ms)'],
      load.map(row => [
        row.label,
        `${row.peakRssMiB.median.toFixed(1)} (${row.peakRssMiB.min.toFixed(1)}–${row.peakRssMiB.max.toFixed(1)})`,
        row.chunks,
        row.phases ?? ''
      ])
    )
  ]
}

function distSize(sizes: readonly FileSize[]): string[] {
  const total = sizes.reduce((sum, f) => sum + f.bytes, 0)
  const totalGzip = sizes.reduce((sum, f) => sum + f.gzipBytes, 0)
  return [
    '## Size of `dist/`',
    table(
      ['File', 'KiB', 'gzip KiB', 'What'],
      [
        ...sizes.map(f => [f.name, kib(f.bytes), kib(f.gzipBytes), f.note ?? '']),
        ['**total**', kib(total), kib(totalGzip), '']
      ]
    )
  ]
}

function tokenServer(serve: ServeBench): string[] {
  const two = (value: number): string => value.toFixed(2)
  const row = (label: string, s: Stats): string[] => [
    label,
    two(s.median),
    `${two(s.min)}–${two(s.max)}`,
    String(s.runs)
  ]
  return [
    '## Token server (serve-tokens)',
    'One GET to `IDENTITY_ENDPOINT` at a time, each on a fresh connection as a later step makes it; a renewal asks ' +
      'GitHub for an OIDC token and Entra ID for an access token (the emulator, on this machine).',
    table(
      ['Request', 'Median ms', 'Min–max ms', 'Requests'],
      [
        row('Answer from the credential’s cache', serve.cached),
        row('Renewal through the endpoint (OIDC)', serve.renewal)
      ]
    ),
    `Idle server: ${serve.idleRssMiB === undefined ? 'RSS not measured' : `${serve.idleRssMiB.toFixed(1)} MiB RSS`}, ` +
      (serve.idleCpuPercent === undefined ? 'CPU not measured' : `${serve.idleCpuPercent.toFixed(2)} % of one core`) +
      ` over ${serve.idleSeconds} s.`
  ]
}

/** bench/RESULTS.md as Markdown, before Prettier lays out its tables. */
export function renderResults(report: Report, findings: string): string {
  return [
    '# Benchmark results',
    'From `npm run bench`.',
    `Machine: ${machineLine(report.machine)}`,
    ...wallTime(report.timings),
    ...underLatency(report.network),
    ...pairedRuns(report.paired),
    ...targets(report.targets),
    ...loadingAndMemory(report.load),
    ...distSize(report.sizes),
    ...(report.serve === undefined ? [] : tokenServer(report.serve)),
    ...(report.notes.length > 0 ? ['## Notes', report.notes.map(n => `- ${n}`).join('\n')] : []),
    '## What was done, what stands in the way',
    findings
  ].join('\n\n')
}

/** Writes the report to `file`, laid out as `prettier --check` wants, and prints the same Markdown. */
export async function writeResults(report: Report, file: string): Promise<void> {
  const markdown = renderResults(report, readFileSync(FINDINGS_FILE, 'utf8'))
  const results = await format(markdown, { ...(await resolveConfig(file)), parser: 'markdown' })
  writeFileSync(file, results)
  process.stdout.write(results)
}
