// One measurement: a scenario, and what one run of it took, which requests it caused and, when probed, what it loaded.
import { fileURLToPath } from 'node:url'
import { type ActionRun, type RunOptions, describeRun, nodeBin, runAction } from '../../emulator/runner.ts'
import { type ProbeResult, probing } from './probe.ts'
import type { SeenRequest } from './stats.ts'

export interface Sample {
  readonly ms: number
  readonly requests: readonly SeenRequest[]
  /** Time from the first request to the service to the end of the run (health-check scenarios). */
  readonly checkMs?: number
  readonly probe?: ProbeResult
}

export interface Scenario {
  readonly key: string
  readonly label: string
  readonly note?: string
  /** Memory runs (with the probe) for this scenario. */
  readonly probe: boolean
  readonly maxRuns?: number
  /** The key of the library-free floor this scenario is compared with (the same place: in-process or namespace). */
  readonly floor?: string
  /** Set on a row that runs the other bundle (--against): the key of the row it is paired with. */
  readonly twinOf?: string
  run(probe: boolean): Promise<Sample>
}

/** The library-free floor (floor.js): the requests of an OIDC sign-in and the two default checks, no library. */
export const FLOOR_SCRIPT = fileURLToPath(new URL('./floor.js', import.meta.url))

/** The network floor (network-floor.js): the same requests with every connection that needs no answer opened at once. */
export const NETWORK_FLOOR_SCRIPT = fileURLToPath(new URL('./network-floor.js', import.meta.url))

/** A floor as a scenario: its script (floor.js by default) run the way the runner runs the bundle, with the same
 *  inputs and environment. */
export function floorScenario(
  key: string,
  label: string,
  runOptions: Omit<RunOptions, 'prefix'>,
  requestsSince: RequestsSince,
  note?: string,
  script: string = FLOOR_SCRIPT
): Scenario {
  return {
    key,
    label,
    ...(note === undefined ? {} : { note }),
    probe: false,
    run: probe =>
      measureAction(key, { ...runOptions, prefix: [nodeBin, script] }, run => run.exitCode === 0, requestsSince, probe)
  }
}

/**
 * The same scenario run with another bundle's entry: Node runs `entry`, and the entry the runner appends is an extra
 * argument the bundle ignores.
 */
export function twinScenario(
  scenario: Scenario,
  entry: string,
  run: (prefix: readonly string[]) => (probe: boolean) => Promise<Sample>
): Scenario {
  return {
    key: `${scenario.key} (against)`,
    label: `${scenario.label}, with the bundle compared against`,
    probe: false,
    ...(scenario.floor === undefined ? {} : { floor: scenario.floor }),
    twinOf: scenario.key,
    run: run([nodeBin, entry])
  }
}

/** Marks where a run starts in a request log; the function it gives returns the requests logged since. */
export type RequestsSince = () => Promise<() => Promise<readonly SeenRequest[]>>

export type RunCheck = (run: ActionRun) => boolean

export const signedIn: RunCheck = run => run.exitCode === 0 && (run.outputs.token ?? '') !== ''
export const healthy: RunCheck = run => signedIn(run) && run.outputs.health === 'healthy'

/** One action run, with the requests it caused and, when asked, the probe's findings. */
export async function measureAction(
  label: string,
  runOptions: RunOptions,
  check: RunCheck,
  requestsSince: RequestsSince,
  probe: boolean
): Promise<Sample> {
  const probed = probe ? probing(runOptions) : undefined
  try {
    const slice = await requestsSince()
    const run = await runAction(probed?.runOptions ?? runOptions)
    const ended = Date.now()
    if (!check(run)) throw new Error(`bench scenario "${label}" did not behave as expected:\n${describeRun(run)}`)
    const requests = await slice()
    const firstService = requests
      .filter(r => r.party === 'fhir' || r.party === 'dicom')
      .reduce((t, r) => Math.min(t, r.time ?? Infinity), Infinity)
    return {
      ms: run.durationMs,
      requests,
      ...(Number.isFinite(firstService) ? { checkMs: ended - firstService } : {}),
      ...(probed === undefined ? {} : { probe: probed.read() })
    }
  } finally {
    probed?.dispose()
  }
}
