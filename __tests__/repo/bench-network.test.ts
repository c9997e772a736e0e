// The bench's network: the profile table turned into the namespace's delays, and the timings under the profiles
// turned into ratios to the network floor and into the round trips on the critical path.
import { describe, expect, it } from '@jest/globals'
import { networkTable } from '../../scripts/bench/network-analysis.ts'
import {
  PROFILES,
  criticalRoundTrips,
  iptablesRules,
  latencyHosts,
  profileKey,
  queueArguments,
  spreadHosts
} from '../../scripts/bench/network.ts'
import type { Sample, Scenario } from '../../scripts/bench/sample.ts'

const FHIR = 'contoso-fhir.fhir.azurehealthcareapis.com'
const hosts = latencyHosts(FHIR)

describe('the latency profile in the namespace', () => {
  it('gives GitHub, Entra ID and the FHIR service addresses and queues of their own, each way half the round trip', () => {
    expect(hosts.map(h => [h.label, h.address, h.rttMs])).toEqual([
      ['GitHub', '127.0.0.2', 40],
      ['Microsoft Entra ID', '127.0.0.3', 20],
      ['FHIR service', '127.0.0.4', 30]
    ])
    expect(queueArguments(hosts)).toEqual(['2:20', '3:10', '4:15'])
    expect(PROFILES.map(p => [p.name, p.scale])).toEqual([
      ['0', 0],
      ['P', 1],
      ['2P', 2]
    ])
  })

  it('queues both directions of each address, and lets packets through while no reader is bound', () => {
    const rules = iptablesRules(hosts).map(rule => rule.join(' '))
    expect(rules).toEqual([
      '-A OUTPUT -d 127.0.0.2 -j NFQUEUE --queue-num 2 --queue-bypass',
      '-A OUTPUT -s 127.0.0.2 -j NFQUEUE --queue-num 2 --queue-bypass',
      '-A OUTPUT -d 127.0.0.3 -j NFQUEUE --queue-num 3 --queue-bypass',
      '-A OUTPUT -s 127.0.0.3 -j NFQUEUE --queue-num 3 --queue-bypass',
      '-A OUTPUT -d 127.0.0.4 -j NFQUEUE --queue-num 4 --queue-bypass',
      '-A OUTPUT -s 127.0.0.4 -j NFQUEUE --queue-num 4 --queue-bypass'
    ])
  })

  it("moves only the delayed hosts' names in /etc/hosts, the same on a second pass", () => {
    const before = [
      '127.0.0.1 localhost',
      '::1 localhost ip6-localhost ip6-loopback',
      '127.0.0.1 login.microsoftonline.com',
      '127.0.0.1 pipelines.actions.githubusercontent.com',
      '127.0.0.1 management.azure.com',
      `127.0.0.1 ${FHIR}`,
      ''
    ].join('\n')
    const after = spreadHosts(before, hosts)
    expect(after.split('\n')).toEqual([
      '127.0.0.1 localhost',
      '::1 localhost ip6-localhost ip6-loopback',
      '127.0.0.3 login.microsoftonline.com',
      '127.0.0.2 pipelines.actions.githubusercontent.com',
      '127.0.0.1 management.azure.com',
      `127.0.0.4 ${FHIR}`,
      ''
    ])
    expect(spreadHosts(after, hosts)).toBe(after)
  })

  it('names profile 0 by the plain key, the others apart', () => {
    expect(PROFILES.map(p => profileKey('prod-floor', p))).toEqual(['prod-floor', 'prod-floor @P', 'prod-floor @2P'])
  })
})

describe('the round trips on the critical path', () => {
  it('reads nine from a path of three round trips to each host in turn, five when only the POST and GETs follow GitHub', () => {
    const rtt = (label: string): number => hosts.find(h => h.label === label)?.rttMs ?? NaN
    const sequential = 3 * rtt('GitHub') + 3 * rtt('Microsoft Entra ID') + 3 * rtt('FHIR service')
    const early = 3 * rtt('GitHub') + rtt('Microsoft Entra ID') + rtt('FHIR service')
    expect(sequential).toBe(270)
    expect(criticalRoundTrips(sequential, hosts)).toBeCloseTo(9)
    expect(criticalRoundTrips(early, hosts)).toBeCloseTo(5)
    expect(criticalRoundTrips(190, hosts)).toBeCloseTo(5.8)
  })
})

describe('the table under latency', () => {
  const scenario = (key: string, label: string): Scenario => ({
    key,
    label,
    probe: false,
    run: () => Promise.reject(new Error('not run here'))
  })
  const runs = (...ms: number[]): Sample[] => ms.map(m => ({ ms: m, requests: [] }))
  const scenarios = [
    scenario('prod-floor', 'the floor'),
    scenario('prod-network-floor', 'the network floor'),
    scenario('prod-oidc+checks', 'Shipped defaults: token (OIDC) + default FHIR checks'),
    scenario('prod-library-floor', 'not a network row')
  ]
  // Three rounds; the second ran slow for every row, which the per-round ratios and differences take out.
  const samples = new Map<string, Sample[]>([
    ['prod-floor', runs(160, 320, 170)],
    ['prod-floor @P', runs(440, 880, 450)],
    ['prod-floor @2P', runs(720, 1440, 730)],
    ['prod-network-floor', runs(150, 300, 160)],
    ['prod-network-floor @P', runs(320, 640, 330)],
    ['prod-network-floor @2P', runs(490, 980, 500)],
    ['prod-oidc+checks', runs(225, 450, 240)],
    ['prod-oidc+checks @P', runs(480, 960, 495)],
    ['prod-oidc+checks @2P', runs(750, 1500, 765)],
    ['prod-library-floor', runs(240, 480, 250)]
  ])

  it('gives each network row its medians, its per-round ratios to the network floor and its round trips', () => {
    const table = networkTable(scenarios, samples, hosts, new Map([['GitHub', 41]]))
    expect(table?.rows.map(r => r.label)).toEqual([
      'the floor',
      'the network floor',
      'Shipped defaults: token (OIDC) + default FHIR checks'
    ])
    const action = table?.rows[2]
    expect(action?.times.map(t => t.median)).toEqual([240, 495, 765])
    expect(action?.vsNetworkFloor.map(r => r.median)).toEqual([1.5, 1.5, 750 / 490])
    // Per round: 270, 540, 270 ms.
    expect(action?.difference.median).toBe(270)
    expect(action?.roundTrips).toBeCloseTo(9)
    expect(table?.rows[1]?.difference.median).toBe(170)
    expect(table?.rows[1]?.roundTrips).toBeCloseTo(5)
  })

  it('is left out when nothing ran under latency', () => {
    const plain = new Map([...samples].filter(([key]) => !key.includes('@')))
    expect(networkTable(scenarios, plain, hosts, new Map())).toBeUndefined()
  })
})
