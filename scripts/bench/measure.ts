// Running the scenarios: the timed rounds, then the probed runs for loading and memory.
import type { Options } from './options.ts'
import { type ProbeResult, PROBE_RUNS } from './probe.ts'
import type { Sample, Scenario } from './sample.ts'

export interface ProbedSample extends Sample {
  readonly probe: ProbeResult
}

/** The timed samples of every scenario, by key. */
export async function measureAll(
  scenarios: readonly Scenario[],
  { runs, warmup }: Pick<Options, 'runs' | 'warmup'>,
  log: (line: string) => void
): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>(scenarios.map(s => [s.key, []]))
  // Round-robin, so that a slow spell of the machine spreads over every scenario rather than skewing one.
  for (let round = 0; round < warmup + runs; round++) {
    const warm = round < warmup
    log(`${warm ? 'warm-up' : 'run'} ${warm ? round + 1 : round - warmup + 1}`)
    for (const scenario of scenarios) {
      const taken = samples.get(scenario.key) ?? []
      // A scenario with a run limit is slow: it warms up once and stops at its limit.
      if (!warm && scenario.maxRuns !== undefined && taken.length >= scenario.maxRuns) continue
      if (warm && round > 0 && scenario.maxRuns !== undefined) continue
      const sample = await scenario.run(false)
      if (!warm) taken.push(sample)
    }
  }
  return samples
}

/** PROBE_RUNS probed samples of every scenario that asks for them, by key; they are not timed. */
export async function probeAll(scenarios: readonly Scenario[]): Promise<Map<string, ProbedSample[]>> {
  const probes = new Map<string, ProbedSample[]>()
  for (const scenario of scenarios.filter(s => s.probe)) {
    const results: ProbedSample[] = []
    for (let i = 0; i < PROBE_RUNS; i++) {
      const sample = await scenario.run(true)
      if (!sample.probe) throw new Error(`${scenario.label}: the probe wrote nothing`)
      results.push({ ...sample, probe: sample.probe })
    }
    probes.set(scenario.key, results)
  }
  return probes
}
