// The in-process scenarios: the action against this process's emulator, signing in through `authority-host`, next to
// `node -e 0` for the cost of Node's own start.
import { nodeBin } from '../../emulator/runner.ts'
import type { Emulator, Party } from '../../emulator/index.ts'
import { emulatorInfo, oidcStepInputs, secretStepInputs } from '../../emulator/info.ts'
import {
  floorScenario,
  type RequestsSince,
  type RunCheck,
  type Sample,
  type Scenario,
  healthy,
  measureAction,
  signedIn,
  twinScenario
} from './sample.ts'

/** Twenty checks of the same count, told apart by an `_id` (checks are strict: an unknown parameter would fail). */
const TWENTY_CHECKS = Array.from({ length: 20 }, (_, i) => `Patient?_summary=count&_id=bench-${i} 200`).join('\n')

/** Runs `measure` with one party's answers delayed, and puts the emulator back to normal after. */
async function delayed(em: Emulator, party: Party, delayMs: number, measure: () => Promise<Sample>): Promise<Sample> {
  em.setScenario({ faults: [{ party, delayMs }] })
  try {
    return await measure()
  } finally {
    em.setScenario({})
  }
}

/**
 * In report order, the first being the baseline the others are compared with. Longer than a function should be
 * because it is a table: one entry per row of the report.
 */
export function inProcessScenarios(em: Emulator, against?: string): Scenario[] {
  const info = emulatorInfo(em)
  const env = em.env()
  const oidc = { ...oidcStepInputs(info), 'fhir-url': info.fhirUrl }
  const secret = { ...secretStepInputs(info), 'auth-type': 'client-secret', 'fhir-url': info.fhirUrl }
  const since: RequestsSince = () => {
    const before = em.requests().length
    return Promise.resolve(() => Promise.resolve(em.requests().slice(before)))
  }
  const action =
    (label: string, inputs: Record<string, string>, check: RunCheck, prefix?: readonly string[]) =>
    (probe: boolean): Promise<Sample> =>
      measureAction(label, { inputs, env, ...(prefix === undefined ? {} : { prefix }) }, check, since, probe)
  const checksInputs = { ...oidc, 'health-check': 'true' }
  const oidcChecks: Scenario = {
    key: 'oidc+checks',
    label: 'Token (OIDC) + default FHIR checks',
    note: 'metadata, Patient?_summary=count',
    probe: true,
    run: action('oidc+checks', checksInputs, healthy)
  }

  const scenarios: Scenario[] = [
    {
      key: 'baseline',
      label: '`node -e 0`',
      probe: true,
      // The runner appends the entry as an argument, which `-e` ignores: same environment, same timing.
      run: probe =>
        measureAction('node -e 0', { env, prefix: [nodeBin, '-e', '0'] }, run => run.exitCode === 0, since, probe)
    },
    {
      key: 'startup',
      label: 'Start-up: a missing input, fails',
      probe: true,
      run: action('startup', {}, run => run.exitCode === 1 && run.stdout.includes('::error'))
    },
    {
      key: 'secret',
      label: 'Token, client secret',
      note: 'authority-host = emulator',
      probe: true,
      run: action('secret', secret, signedIn)
    },
    {
      key: 'oidc',
      label: 'Token, GitHub OIDC',
      note: 'authority-host = emulator',
      probe: true,
      run: action('oidc', oidc, signedIn)
    },
    {
      key: 'oidc-slow-github',
      label: 'Token, GitHub OIDC, 100 ms GitHub latency',
      note: 'added by the emulator once the request has arrived',
      probe: false,
      run: probe => delayed(em, 'github', 100, () => action('oidc-slow-github', oidc, signedIn)(probe))
    },
    floorScenario(
      'floor',
      'Floor: the same requests with `node:https`, no library',
      { inputs: oidc, env },
      since,
      'GitHub token, Entra ID token, the two default FHIR checks'
    ),
    oidcChecks,
    ...(against === undefined
      ? []
      : [twinScenario(oidcChecks, against, prefix => action('oidc+checks (against)', checksInputs, healthy, prefix))]),
    {
      key: 'twenty',
      label: 'Token (client secret) + 20 checks, 200 ms latency each',
      probe: true,
      run: probe =>
        delayed(em, 'fhir', 200, () =>
          action('twenty', { ...secret, 'health-check-paths': TWENTY_CHECKS }, healthy)(probe)
        )
    }
  ]
  return scenarios.map(scenario => ({ floor: 'floor', ...scenario }))
}
