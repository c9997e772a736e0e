// From the samples of the network rows to the table under latency: each row's time under every profile, its ratio
// to the network floor taken round by round, 2P − P and the round trips that difference stands for. No I/O here.
import type { NetworkTable } from './report.ts'
import type { Sample, Scenario } from './sample.ts'
import { type LatencyHost, NETWORK_ROWS, PROFILES, criticalRoundTrips, profileKey } from './network.ts'
import { type Stats, stats } from './stats.ts'

const NETWORK_FLOOR = 'prod-network-floor'

/** Pairs two scenarios' samples round by round. */
function perRound(
  samples: ReadonlyMap<string, readonly Sample[]>,
  key: string,
  otherKey: string,
  combine: (mine: number, other: number) => number
): Stats | undefined {
  const other = (samples.get(otherKey) ?? []).map(x => x.ms)
  const values = (samples.get(key) ?? []).map((x, round) => combine(x.ms, other[round] ?? NaN)).filter(Number.isFinite)
  return values.length === 0 ? undefined : stats(values)
}

export function networkTable(
  scenarios: readonly Scenario[],
  samples: ReadonlyMap<string, readonly Sample[]>,
  hosts: readonly LatencyHost[],
  connectMs: ReadonlyMap<string, number>
): NetworkTable | undefined {
  const [, p, twoP] = PROFILES
  if (p === undefined || twoP === undefined || !samples.has(profileKey(NETWORK_FLOOR, p))) return undefined
  const rows = scenarios
    .filter(scenario => NETWORK_ROWS.includes(scenario.key))
    .flatMap(scenario => {
      const times = PROFILES.map(profile => samples.get(profileKey(scenario.key, profile)) ?? [])
      const ratios = PROFILES.map(profile =>
        perRound(samples, profileKey(scenario.key, profile), profileKey(NETWORK_FLOOR, profile), (a, b) => a / b)
      )
      const difference = perRound(samples, profileKey(scenario.key, twoP), profileKey(scenario.key, p), (a, b) => a - b)
      if (times.some(list => list.length === 0) || difference === undefined) return []
      return [
        {
          label: scenario.label,
          times: times.map(list => stats(list.map(x => x.ms))),
          vsNetworkFloor: ratios.map(r => r ?? stats([NaN])),
          difference,
          roundTrips: criticalRoundTrips(difference.median, hosts)
        }
      ]
    })
  return { hosts, rows, connectMs }
}
