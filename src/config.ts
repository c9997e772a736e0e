// The one typed, immutable configuration the action runs on, built from the step's inputs at start-up: each feature
// reads its own inputs, and nothing downstream reads inputs again. No network, no logging: bad input fails here with
// an InputError that names the input and the fix, before any request is made.

import { type HealthPlan, readHealth, readWaitForAccess } from './health/read.js'
import { type GetInput, type Surface, readRawInputs, stepSecrets } from './inputs.js'
import { type ServeConfig, readServe } from './serve/read.js'
import { readSignIn } from './signin/read.js'
import type { SignIn } from './signin/registry.js'
import type { CloudName } from './target/clouds.js'
import { type ExportVariable, readExportVariables } from './target/export-variable.js'
import { type Target, readCloud, readTargets } from './target/read.js'

export interface Config {
  /** What the tokens are for: one or more services, one token each, or one bare resource. */
  readonly targets: readonly Target[]
  readonly signIn: SignIn
  readonly cloud: CloudName
  /** Sign-in host, https origin without a trailing slash, e.g. `https://login.microsoftonline.com`. */
  readonly authorityHost: string
  /** Environment variables to export tokens under, if asked for. */
  readonly exportVariables: readonly ExportVariable[]
  /** Absent when no health check was asked for. */
  readonly health?: HealthPlan
  /** Absent unless serve-tokens is true: the resources the job's token server hands out. */
  readonly serve?: ServeConfig
  /** wait-for-access in ms: one wait, shared by a just-created identity's sign-in and then the health checks. */
  readonly waitForAccessMs: number
  /** Every secret of the step (client secret, certificate PEM and its lines, creds' secret, a proxy URL's
   *  credentials): masked first, removed from what is shown, handed to the token server. */
  readonly secrets: readonly string[]
  /** Problems that do not stop the run but that the user should fix (e.g. a resource ending with a slash). */
  readonly warnings: readonly string[]
}

/**
 * Validates every input into the immutable Config. Throws InputError naming the input and the fix. The command
 * (`surface` 'command') also reads its own inputs and offers the sign-in methods of other CIs.
 */
export function readConfig(
  getInput: GetInput,
  env: NodeJS.ProcessEnv = process.env,
  surface: Surface = 'action'
): Config {
  const raw = readRawInputs(getInput, surface)
  const warnings: string[] = []

  const cloud = readCloud(raw.environment)
  const targets = readTargets(raw, cloud, warnings)
  const { signIn, authorityHost, unavailable } = readSignIn(raw, cloud, env, warnings, surface)
  const exportVariables = readExportVariables(raw['export-variable'], targets)
  const health = readHealth(raw, targets, env, warnings)
  const serve = readServe(raw, targets, env, warnings)
  const waitForAccessMs = readWaitForAccess(raw)
  // Every value is right: whether this environment can sign in the way asked comes last.
  if (unavailable !== undefined) throw unavailable

  const config: Config = {
    targets,
    signIn,
    cloud,
    authorityHost,
    exportVariables,
    ...(health === undefined ? {} : { health }),
    ...(serve === undefined ? {} : { serve }),
    waitForAccessMs,
    secrets: stepSecrets(getInput, env),
    warnings
  }
  return deepFreeze(config)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
