// The bench's network: which emulated host answers on which loopback address with which round-trip time, the
// profiles that scale those times, and what the timings under them say about the round trips. Pure: no I/O.

/** One emulated host, given its own loopback address so that its packets can be held apart from the others'. */
export interface LatencyHost {
  readonly label: string
  /** The host names that lead to it in the namespace's /etc/hosts. */
  readonly names: readonly string[]
  /** 127.0.0.N; N is also the number of the NFQUEUE queue that delays its packets. */
  readonly address: string
  /** Round-trip time under profile P, ms. */
  readonly rttMs: number
}

export interface Profile {
  readonly name: string
  /** Each host's round-trip time is its rttMs times this. */
  readonly scale: number
}

/** No latency, the round-trip times a GitHub-hosted runner sees (P), and twice them (2P). */
export const PROFILES: readonly Profile[] = [
  { name: '0', scale: 0 },
  { name: 'P', scale: 1 },
  { name: '2P', scale: 2 }
]

/** The rows measured under every profile: the action (and its twin, --against), and the two floors it is held to. */
export const NETWORK_ROWS: readonly string[] = [
  'prod-oidc+checks',
  'prod-oidc+checks (against)',
  'prod-floor',
  'prod-network-floor'
]

/** A scenario's key under a profile: profile 0 is the plain scenario, measured as every other namespace row is. */
export function profileKey(key: string, profile: Profile): string {
  return profile.scale === 0 ? key : `${key} @${profile.name}`
}

/** GitHub, Microsoft Entra ID and the FHIR service (whose host name the emulator chooses) under profile P. */
export function latencyHosts(fhirHost: string): readonly LatencyHost[] {
  return [
    {
      label: 'GitHub',
      names: ['pipelines.actions.githubusercontent.com', 'token.actions.githubusercontent.com'],
      address: '127.0.0.2',
      rttMs: 40
    },
    { label: 'Microsoft Entra ID', names: ['login.microsoftonline.com'], address: '127.0.0.3', rttMs: 20 },
    { label: 'FHIR service', names: [fhirHost], address: '127.0.0.4', rttMs: 30 }
  ]
}

const queueOf = (host: LatencyHost): number => Number(host.address.split('.')[3])

/** The delay reader's arguments: QUEUE:DELAY_MS, each way half the round trip (delay-queue.py). */
export function queueArguments(hosts: readonly LatencyHost[]): string[] {
  return hosts.map(host => `${queueOf(host)}:${host.rttMs / 2}`)
}

/**
 * The iptables rules, as arguments after `iptables-legacy`: every packet to or from a host's address goes to its
 * queue, in both directions on OUTPUT (on loopback every packet passes OUTPUT once). --queue-bypass lets packets
 * through while no reader is bound, rather than dropping them.
 */
export function iptablesRules(hosts: readonly LatencyHost[]): string[][] {
  return hosts.flatMap(host =>
    ['-d', '-s'].map(side => [
      '-A',
      'OUTPUT',
      side,
      host.address,
      '-j',
      'NFQUEUE',
      '--queue-num',
      String(queueOf(host)),
      '--queue-bypass'
    ])
  )
}

/** The namespace's /etc/hosts with each latency host's names moved to its own address; other lines unchanged. */
export function spreadHosts(text: string, hosts: readonly LatencyHost[]): string {
  const addressOf = new Map(hosts.flatMap(host => host.names.map(name => [name, host.address] as const)))
  return text
    .split('\n')
    .map(line => {
      const [address, name, ...rest] = line.trim().split(/\s+/)
      const moved = name === undefined ? undefined : addressOf.get(name)
      return address === undefined || moved === undefined || rest.length > 0 ? line : `${moved} ${name}`
    })
    .join('\n')
}

/**
 * The round trips in sequence on a run's critical path, from how much longer it took under 2P than under P: going
 * from P to 2P adds each host's P round-trip time once per round trip to it in sequence, so
 *   2P − P = Σ k_host × rtt_host.
 * One difference cannot tell three counts apart, so two facts of the measured runs fix them: GitHub comes first on a
 * fresh runner and costs its three (connect, TLS 1.3 handshake, GET) whatever else is opened meanwhile, and the rows
 * make as many round trips in sequence to Entra ID as to the FHIR service (3 and 3 one after the other, 1 and 1 with
 * the connections opened early). Then k = (2P − P − 3 × rtt_GitHub) / (rtt_Entra + rtt_FHIR), and the critical path
 * holds 3 + 2k round trips: 9 for 270 ms, 5 for 170 ms with the profile's 40, 20 and 30 ms.
 */
export function criticalRoundTrips(differenceMs: number, hosts: readonly LatencyHost[]): number {
  const [github, entra, fhir] = hosts
  if (github === undefined || entra === undefined || fhir === undefined) throw new Error('three hosts expected')
  return 3 + (2 * (differenceMs - 3 * github.rttMs)) / (entra.rttMs + fhir.rttMs)
}
