// The namespace scenarios: the hosts-mode emulator that netns.sh started, reached under the production host names,
// so the action runs with its shipped defaults and the Azure CLI runs at all.
import { spawnWithLimit } from '../../emulator/runner.ts'
import { azureCliEnv, azureCliLoginArgs } from '../../emulator/azure-cli.ts'
import type { EmulatorInfo } from '../../emulator/info.ts'
import { settledRequestLog } from '../../emulator/request-log.ts'
import type { Latency } from './latency.ts'
import { azInstalled } from './machine.ts'
import { NETWORK_ROWS, PROFILES, type Profile, profileKey } from './network.ts'
import {
  NETWORK_FLOOR_SCRIPT,
  floorScenario,
  type RequestsSince,
  type Sample,
  type Scenario,
  healthy,
  measureAction,
  signedIn,
  twinScenario
} from './sample.ts'

const AZ_LOGIN_RUNS = 5

/**
 * Requests from the emulator's JSON-lines log, once it has settled. The log's length when it last settled is where the
 * next run's requests start, so it need not settle again first.
 */
function fileRequestLog(file: string): RequestsSince {
  let settledLength: number | undefined
  return async () => {
    settledLength ??= (await settledRequestLog(file, 60)).length
    const before = settledLength
    return async () => {
      const entries = await settledRequestLog(file, 60)
      settledLength = entries.length
      return entries.slice(before)
    }
  }
}

/** Where the namespace rows keep their files. */
export interface NamespacePaths {
  /** The Azure CLI's configuration directory. */
  readonly azDir: string
  /** The bundled identity-library floor (library-floor-bundle.ts). */
  readonly libraryFloor: string
}

export function namespaceScenarios(
  ready: EmulatorInfo,
  logFile: string,
  paths: NamespacePaths,
  against?: string,
  latency?: Latency
): Scenario[] {
  const since = fileRequestLog(logFile)
  const shipped = shippedDefaults(ready, since, paths.libraryFloor, against).map(scenario => ({
    floor: 'prod-floor',
    ...scenario
  }))
  return [
    ...shipped,
    ...(latency === undefined ? [] : underLatency(shipped, latency)),
    ...(azInstalled()
      ? azureCli(ready, paths.azDir, since).map(scenario => ({ floor: 'prod-floor', ...scenario }))
      : [])
  ]
}

/**
 * The network rows again under each profile but 0 (the plain rows are profile 0): each run sets its profile first
 * and sets 0 again after, so the other rows always run without latency. In the same rounds as every other row.
 */
function underLatency(shipped: readonly Scenario[], latency: Latency): Scenario[] {
  const none = PROFILES[0] as Profile
  return PROFILES.filter(profile => profile.scale > 0).flatMap(profile =>
    shipped
      .filter(scenario => NETWORK_ROWS.includes(scenario.key))
      .map(scenario => ({
        ...scenario,
        key: profileKey(scenario.key, profile),
        label: `${scenario.label}, under ${profile.name}`,
        floor: profileKey('prod-floor', profile),
        ...(scenario.twinOf === undefined ? {} : { twinOf: profileKey(scenario.twinOf, profile) }),
        run: async (probe: boolean): Promise<Sample> => {
          await latency.use(profile)
          try {
            return await scenario.run(probe)
          } finally {
            await latency.use(none)
          }
        }
      }))
  )
}

function shippedDefaults(
  ready: EmulatorInfo,
  since: RequestsSince,
  libraryFloor: string,
  against: string | undefined
): Scenario[] {
  const common = { 'client-id': ready.clientId, 'tenant-id': ready.tenantId, 'fhir-url': ready.fhirUrl }
  const env = { ...ready.env }
  const checks =
    (prefix?: readonly string[]) =>
    (probe: boolean): Promise<Sample> =>
      measureAction(
        'prod-oidc+checks',
        { inputs: { ...common, 'health-check': 'true' }, env, ...(prefix === undefined ? {} : { prefix }) },
        healthy,
        since,
        probe
      )
  const prodChecks: Scenario = {
    key: 'prod-oidc+checks',
    label: 'Shipped defaults: token (OIDC) + default FHIR checks',
    probe: false,
    run: checks()
  }
  return [
    {
      key: 'prod-oidc',
      label: 'Shipped defaults: token, GitHub OIDC',
      note: 'no authority-host, login.microsoftonline.com',
      probe: false,
      run: probe => measureAction('prod-oidc', { inputs: common, env }, signedIn, since, probe)
    },
    {
      key: 'prod-secret',
      label: 'Shipped defaults: token, client secret',
      probe: false,
      run: probe =>
        measureAction(
          'prod-secret',
          { inputs: { ...common, 'client-secret': ready.clientSecret }, env },
          signedIn,
          since,
          probe
        )
    },
    floorScenario(
      'prod-floor',
      'Shipped defaults: the floor, the same requests with `node:https`',
      { inputs: common, env },
      since
    ),
    floorScenario(
      'prod-network-floor',
      'Shipped defaults: the network floor, the same requests with every independent connection opened at once',
      { inputs: common, env },
      since,
      'connections to Entra ID and to the FHIR service opened while the GitHub request is in flight',
      NETWORK_FLOOR_SCRIPT
    ),
    floorScenario(
      'prod-library-floor',
      'Shipped defaults: the identity library alone, the floor with its token from `@azure/identity`',
      { inputs: common, env },
      since,
      'ClientAssertionCredential, in one bundle with the seven credentials the action uses, nothing else',
      libraryFloor
    ),
    prodChecks,
    ...(against === undefined ? [] : [twinScenario(prodChecks, against, checks)])
  ]
}

function azureCli(ready: EmulatorInfo, azDir: string, since: RequestsSince): Scenario[] {
  const azEnv = azureCliEnv(ready, azDir)
  const az = async (label: string, args: readonly string[]): Promise<Sample> => {
    const slice = await since()
    const started = performance.now()
    const result = await spawnWithLimit(['az', ...args], azEnv, 120_000)
    const ms = performance.now() - started
    if (result.exitCode !== 0) throw new Error(`${label} exited ${String(result.exitCode)}:\n${result.stderr}`)
    return { ms, requests: await slice() }
  }
  return [
    {
      key: 'az-login',
      label: '`az login --service-principal`',
      note: `at most ${AZ_LOGIN_RUNS} runs`,
      probe: false,
      maxRuns: AZ_LOGIN_RUNS,
      run: () => az('az login', azureCliLoginArgs(ready))
    },
    {
      key: 'az-token',
      label: '`az account get-access-token --resource <fhir>`',
      note: 'after az login',
      probe: false,
      // The token goes nowhere: only its expiry is printed.
      run: () =>
        az('az account get-access-token', [
          'account',
          'get-access-token',
          '--resource',
          ready.fhirUrl,
          '--query',
          'expiresOn',
          '--output',
          'tsv'
        ])
    }
  ]
}
