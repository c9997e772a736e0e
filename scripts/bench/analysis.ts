// From samples to the report's rows: the timings, loading and memory, the targets and the notes. No I/O here.
import { basename } from 'node:path'
import { distUrl, identityChunk } from './bundle.ts'
import type { ProbedSample } from './measure.ts'
import { networkTable } from './network-analysis.ts'
import type { LatencyHost } from './network.ts'
import { PROBE_RUNS, chunksOf } from './probe.ts'
import {
  type LoadRow,
  type NetworkTable,
  type Paired,
  type Report,
  type Row,
  type TargetCheck,
  ratio
} from './report.ts'
import type { Sample, Scenario } from './sample.ts'
import { type Stats, requestsPerRun, stats } from './stats.ts'

export interface Measured {
  readonly scenarios: readonly Scenario[]
  readonly samples: ReadonlyMap<string, readonly Sample[]>
  readonly probes: ReadonlyMap<string, readonly ProbedSample[]>
}

/** The circumstances of the run, for the notes. */
export interface RunContext {
  /** Why the shipped-defaults and az rows are missing; undefined when they ran in the namespace. */
  readonly outsideReason: string | undefined
  readonly elapsedMs: number
  /** One-minute load averages before and after the runs. */
  readonly loadBefore: number
  readonly loadAfter: number
  readonly cores: number
  /** The entry of the bundle compared against (--against), if any. */
  readonly against?: string
  /** The hosts under latency and their measured connect times; a string says why nothing ran under latency. */
  readonly latency: { readonly hosts: readonly LatencyHost[]; readonly connectMs: ReadonlyMap<string, number> } | string
}

export function analyse(
  measured: Measured,
  context: RunContext
): Pick<Report, 'timings' | 'paired' | 'network' | 'load' | 'targets' | 'notes'> {
  const paired = pairedRows(measured, context.against)
  const network =
    typeof context.latency === 'string'
      ? undefined
      : networkTable(measured.scenarios, measured.samples, context.latency.hosts, context.latency.connectMs)
  return {
    timings: timingRows(measured),
    ...(paired === undefined ? {} : { paired }),
    ...(network === undefined ? {} : { network }),
    load: loadRows(measured),
    targets: targetChecks(measured, context, paired, network),
    notes: notes(measured, context)
  }
}

function medianOf(samples: Measured['samples'], key: string): number | undefined {
  const list = samples.get(key)
  return list && list.length > 0 ? stats(list.map(s => s.ms)).median : undefined
}

/** The check time of the twenty slow checks: first request to the FHIR service → end of run. */
function twentyCheck(samples: Measured['samples']): Stats {
  return stats((samples.get('twenty') ?? []).map(s => s.checkMs ?? NaN))
}

function timingRows({ scenarios, samples }: Measured): Row[] {
  const baseline = medianOf(samples, 'baseline') ?? NaN
  const az = medianOf(samples, 'az-token')
  const rows: Row[] = scenarios.map(s => {
    const list = samples.get(s.key) ?? []
    const st = stats(list.map(x => x.ms))
    const floor = s.floor === undefined ? undefined : medianOf(samples, s.floor)
    return {
      label: s.label,
      stats: st,
      vsBaseline: st.median / baseline,
      ...(floor === undefined ? {} : { vsFloor: st.median / floor }),
      ...(az === undefined ? {} : { vsAz: st.median / az }),
      requests: s.key === 'baseline' ? '' : requestsPerRun(list.map(x => x.requests)),
      ...(s.note === undefined ? {} : { note: s.note })
    }
  })
  rows.splice(scenarios.findIndex(s => s.key === 'twenty') + 1, 0, {
    label: '… of which the 20 checks',
    note: 'first request to the FHIR service → end of run',
    stats: twentyCheck(samples)
  })
  return rows
}

/** Each twin row (the other bundle) against its own row, round by round. */
function pairedRows({ scenarios, samples }: Measured, against: string | undefined): Paired | undefined {
  if (against === undefined) return undefined
  const rows = scenarios.flatMap(twin => {
    const mineKey = twin.twinOf
    if (mineKey === undefined) return []
    const ratio = perRoundRatio(samples, mineKey, twin.key)
    if (ratio === undefined) return []
    const label = scenarios.find(s => s.key === mineKey)?.label ?? mineKey
    const times = (key: string): Stats => stats((samples.get(key) ?? []).map(x => x.ms))
    return [{ label, mine: times(mineKey), theirs: times(twin.key), ratio }]
  })
  return { against, rows }
}

/** One scenario's time over another's, taken in each round (the two ran one after the other), then summarised. */
function perRoundRatio(samples: Measured['samples'], key: string, otherKey: string): Stats | undefined {
  const other = (samples.get(otherKey) ?? []).map(x => x.ms)
  const perRound = (samples.get(key) ?? []).map((x, round) => x.ms / (other[round] ?? NaN)).filter(Number.isFinite)
  return perRound.length === 0 ? undefined : stats(perRound)
}

function loadRows({ scenarios, probes }: Measured): LoadRow[] {
  return scenarios
    .filter(s => s.probe)
    .map(s => {
      const list = probes.get(s.key) ?? []
      const chunkSets = [...new Set(list.map(p => chunksOf(p.probe).join(', ')))]
      const phaseText = phases(list)
      return {
        label: s.label,
        peakRssMiB: stats(list.map(p => p.probe.maxRssKb / 1024)),
        chunks: chunkSets.map(c => (c === '' ? 'none' : c)).join(' / '),
        ...(phaseText === undefined ? {} : { phases: phaseText })
      }
    })
}

/** Phases of a probed sign-in: start → identity code requested → first request to Entra ID arrives. */
function phases(samples: readonly ProbedSample[]): string | undefined {
  const toChunk: number[] = []
  const toRequest: number[] = []
  samples.forEach(({ probe, requests }) => {
    const chunkAt = probe.loaded.find(m => m.url.startsWith(`${distUrl}/`) && identityChunk(basename(m.url)))?.at
    // Microsoft Entra ID's first request: an OIDC run asks GitHub before it loads the sign-in code, on purpose.
    const firstRequest = requests.find(r => r.party === 'entra')?.time
    if (chunkAt === undefined || firstRequest === undefined) return
    toChunk.push(chunkAt - probe.start)
    toRequest.push(firstRequest - chunkAt)
  })
  if (toChunk.length === 0) return undefined
  return (
    `start → inputs valid, sign-in code requested: ${Math.round(stats(toChunk).median)}; ` +
    `loading it and creating the credential → first request to Entra ID: ${Math.round(stats(toRequest).median)}`
  )
}

function targetChecks(
  { samples, probes }: Measured,
  { outsideReason, latency }: RunContext,
  paired: Paired | undefined,
  network: NetworkTable | undefined
): TargetCheck[] {
  const baseline = medianOf(samples, 'baseline') ?? NaN
  const checks = medianOf(samples, 'oidc+checks') ?? NaN
  const prodChecks = medianOf(samples, 'prod-oidc+checks')
  const azToken = medianOf(samples, 'az-token')
  const azLogin = medianOf(samples, 'az-login')
  const twenty = twentyCheck(samples)
  const peakRss = Math.max(...[...probes.values()].flat().map(p => p.probe.maxRssKb / 1024))
  const startupChunks = (probes.get('startup') ?? []).flatMap(p => chunksOf(p.probe).filter(identityChunk))
  // Against az and the floor, the shipped-defaults path when it ran: az itself can only run there.
  const place =
    prodChecks === undefined
      ? { checks: 'oidc+checks', label: 'Token (OIDC) + default FHIR checks' }
      : { checks: 'prod-oidc+checks', label: 'Shipped defaults: token (OIDC)' }
  const comparedChecks = prodChecks ?? checks
  const againstRow = paired?.rows.find(row => row.label.startsWith(place.label))
  return [
    {
      target: 'token + two health checks ≤ 0.88× the bundle compared against (median of the per-round ratios)',
      measured:
        againstRow === undefined
          ? 'not measured: no --against bundle'
          : `${ratio(againstRow.ratio.median)} (middle half ${ratio(againstRow.ratio.q1)}–${ratio(againstRow.ratio.q3)}; ` +
            `${Math.round(againstRow.mine.median)} ms against ${Math.round(againstRow.theirs.median)} ms)`,
      met: againstRow === undefined ? undefined : againstRow.ratio.median <= 0.88
    },
    {
      target: 'token + two health checks ≥ 3× faster than `az account get-access-token`',
      measured:
        azToken === undefined
          ? `not measured: ${outsideReason ?? 'az is not installed'}`
          : `${Math.round(azToken)} ms / ${Math.round(comparedChecks)} ms = ${ratio(azToken / comparedChecks)}`,
      met: azToken === undefined ? undefined : azToken >= 3 * comparedChecks
    },
    ...networkTargets(network, typeof latency === 'string' ? latency : (outsideReason ?? 'no network rows')),
    {
      target: 'token + two health checks ≤ 4× `node -e 0`',
      measured: `${Math.round(checks)} ms = ${ratio(checks / baseline)} of ${Math.round(baseline)} ms`,
      met: checks <= 4 * baseline
    },
    {
      target: 'token + two health checks ≥ 4× faster than `az account get-access-token`',
      measured:
        azToken === undefined
          ? `not measured: ${outsideReason ?? 'az is not installed'}`
          : `${Math.round(azToken)} ms / ${Math.round(comparedChecks)} ms = ${ratio(azToken / comparedChecks)}` +
            (azLogin === undefined ? '' : `; with \`az login\` first: ${ratio((azToken + azLogin) / comparedChecks)}`) +
            (prodChecks === undefined ? '' : ' (both on the shipped-defaults path)'),
      met: azToken === undefined ? undefined : azToken >= 4 * comparedChecks
    },
    {
      target: 'bad input fails before the identity libraries load',
      measured:
        startupChunks.length === 0
          ? 'start-up loads only the entry chunk'
          : `start-up loaded ${[...new Set(startupChunks)].join(', ')}`,
      met: startupChunks.length === 0
    },
    {
      target: 'twenty checks with 200 ms latency < 600 ms of check time',
      measured: `${Math.round(twenty.median)} ms (${Math.round(twenty.min)}–${Math.round(twenty.max)})`,
      met: twenty.median < 600
    },
    {
      target: 'peak RSS < 100 MiB',
      measured: `${peakRss.toFixed(1)} MiB at most`,
      met: peakRss < 100
    }
  ]
}

/** The targets under latency: against the network floor under P, and the round trips that 2P − P shows. */
function networkTargets(network: NetworkTable | undefined, reason: string): TargetCheck[] {
  const action = network?.rows.find(row => row.label.startsWith('Shipped defaults: token (OIDC)'))
  const notMeasured = (target: string): TargetCheck => ({ target, measured: `not measured: ${reason}`, met: undefined })
  const underP = 'under P, token + two health checks ≤ 1.2× the network floor (median of the per-round ratios)'
  const fiveTrips = 'token + two health checks: 2P − P ≤ 190 ms (five round trips in sequence)'
  if (action === undefined) return [notMeasured(underP), notMeasured(fiveTrips)]
  const [, p] = action.vsNetworkFloor
  const [, pTimes, twoPTimes] = action.times
  return [
    {
      target: underP,
      measured:
        p === undefined || pTimes === undefined
          ? ''
          : `${ratio(p.median)} (middle half ${ratio(p.q1)}–${ratio(p.q3)}; ${Math.round(pTimes.median)} ms)`,
      met: p === undefined ? undefined : p.median <= 1.2
    },
    {
      target: fiveTrips,
      measured:
        `${Math.round(action.difference.median)} ms (${Math.round(twoPTimes?.median ?? NaN)} − ` +
        `${Math.round(pTimes?.median ?? NaN)} ms medians): ${action.roundTrips.toFixed(1)} round trips`,
      met: action.difference.median <= 190
    }
  ]
}

/** The library-free floor without latency, for reference: its target is retired, since it counts CPU alone and the
 *  identity library by itself already takes more than any target on it could allow. */
function cpuFloorNote(samples: Measured['samples']): string | undefined {
  const checks = medianOf(samples, 'prod-oidc+checks')
  const floor = medianOf(samples, 'prod-floor')
  const libraryFloor = medianOf(samples, 'prod-library-floor')
  const perRound = perRoundRatio(samples, 'prod-oidc+checks', 'prod-floor')
  if (checks === undefined || floor === undefined || perRound === undefined) return undefined
  return (
    `Without latency the action took ${ratio(perRound.median)} the sequential \`node:https\` floor (median of the ` +
    `per-round ratios; ${Math.round(checks)} ms against ${Math.round(floor)} ms)` +
    (libraryFloor === undefined
      ? ''
      : `, and the identity library alone ${ratio(libraryFloor / floor)} (${Math.round(libraryFloor)} ms)`) +
    ': the floor measures CPU alone, so it is kept for reference and holds no target any more.'
  )
}

/**
 * How the slow checks went out, from their arrival times at the emulator: a wave is a run of arrivals less than half
 * the 200 ms latency apart, so the number of waves shows how many checks the action keeps in flight.
 */
function wavesNote(samples: readonly Sample[]): string {
  const waves = samples.map(sample => {
    const times = sample.requests
      .filter(r => r.party === 'fhir')
      .map(r => r.time ?? 0)
      .sort((a, b) => a - b)
    const sizes: number[] = []
    times.forEach((t, i) => {
      if (i === 0 || t - (times[i - 1] ?? t) > 100) sizes.push(1)
      else sizes[sizes.length - 1] = (sizes.at(-1) ?? 0) + 1
    })
    return sizes
  })
  const typical = waves[Math.floor(waves.length / 2)] ?? []
  return (
    `The 20 slow checks reached the emulator in ${typical.length} wave(s) of ${typical.join(' + ')} requests ` +
    `(a typical run): each wave costs the 200 ms latency, so the check time is about ${typical.length} × 200 ms.`
  )
}

function notes({ samples }: Measured, context: RunContext): string[] {
  const cpuFloor = cpuFloorNote(samples)
  return [
    wavesNote(samples.get('twenty') ?? []),
    ...(cpuFloor === undefined ? [] : [cpuFloor]),
    'The in-process rows sign in at the emulator through `authority-host`; for a host that is not Microsoft’s the ' +
      'action turns instance discovery off, and MSAL then reads the openid-configuration once per run.',
    context.outsideReason === undefined
      ? 'The “shipped defaults” and `az` rows ran in a private network namespace where login.microsoftonline.com and ' +
        'the service names resolve to a second emulator on 127.0.0.1:443 (`__tests__/e2e/netns.sh`): MSAL uses its ' +
        'built-in metadata there, so the sign-in is one token POST (plus one GitHub request for OIDC).'
      : `No shipped-defaults or \`az\` rows: ${context.outsideReason}. They need root and \`unshare\` for the private ` +
        'network namespace in which login.microsoftonline.com leads to the emulator.',
    `Peak RSS and chunks come from ${PROBE_RUNS} further runs per scenario with a module-load probe (\`--import\`); ` +
      'the timed runs carry no probe.',
    `Whole benchmark: ${(context.elapsedMs / 1000).toFixed(0)} s; one-minute load average ` +
      `${context.loadBefore.toFixed(1)} before the runs and ${context.loadAfter.toFixed(1)} after, on ` +
      `${context.cores} cores (other work on the machine widens the min–max and moves the medians).`
  ]
}
