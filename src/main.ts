// The action's story: mask the secrets, read the inputs, sign in once, hand over a token per service, check each
// service, report.

import * as core from '@actions/core'
import { readConfig } from './config.js'
import { ActionError, InputError } from './errors.js'
import { installLastResort } from './last-resort.js'
import { refuseNodeDebug } from './refuse-node-debug.js'
import { neutralizeCommands, sanitizeServerText, spellingsOf } from './lib/text.js'
import { type EarlyConnections, earlyConnections } from './lib/early-connections.js'
import type { Config } from './config.js'
import { httpSender } from './health/http.js'
import { type HealthReport, plannedConnections, runPlannedChecks } from './health/run.js'
import { stepSecrets } from './inputs.js'
import { reportUnhealthy } from './report/annotations.js'
import { describeSignIn, publishHealth, publishTokens } from './report/outputs.js'
import { renderSummary, writeSummary } from './report/summary.js'
import { azureCliWarning } from './serve/azure-cli.js'
import { markMainStep } from './serve/role.js'
import { serveTokens } from './serve/start.js'
import { type EarlySignIn, getAccessTokens } from './signin/get-token.js'
import { isArmResource } from './target/served.js'
import { githubIdToken } from './signin/github-oidc-request.js'

const getInput = (name: string): string => core.getInput(name)
/** Every line the action logs, with no workflow command left in what it quotes (claims, paths, server text). */
const info = (line: string): void => core.info(neutralizeCommands(line))

export async function run(): Promise<void> {
  let secrets: readonly string[] = []
  installLastResort(() => secrets)
  // Connections that wait for no answer, opened while the action waits for another host (none behind a proxy).
  const early = earlyConnections(process.env)
  try {
    // Mask first, before any library loads: even a malformed input must never reach a log in clear, nor a proxy's
    // password that a library logs with the proxy URL. Every spelling a server or library could echo is masked.
    // Computed here as well as in the configuration: validation may throw, and nothing may be shown unmasked before.
    secrets = stepSecrets(getInput, process.env)
    for (const secret of spellingsOf(secrets)) core.setSecret(secret)
    refuseNodeDebug(
      process.env.NODE_DEBUG,
      'the action',
      'remove NODE_DEBUG from this step (set it only on the steps you debug, never on one that holds a token); ' +
        'for the sign-in, AZURE_LOG_LEVEL=info shows what the identity library does without the secrets.'
    )
    markMainStep()
    // Bad input fails here, before any request and before the identity library loads.
    const config = readConfig(getInput)
    for (const warning of config.warnings) core.warning(neutralizeCommands(warning))

    secrets = config.secrets
    // Asked beside the sign-in, off its path: a CLI too old to sign in through the endpoint is worth a warning.
    const azureCli = config.serve?.resources.some(isArmResource) ? azureCliWarning() : undefined

    // One wait for access: what a just-created identity's sign-in spends of it, the health checks no longer have.
    const waitUntil = Date.now() + config.waitForAccessMs
    const { signIn, authorityHost, cloud } = config
    const tokens = await getAccessTokens({ signIn, authorityHost, cloud, secrets, waitUntil }, config.targets, {
      getIDToken: githubIdToken({ env: process.env, setSecret: core.setSecret }),
      info,
      setSecret: core.setSecret,
      early: openedEarly(early, config)
    })
    publishTokens(tokens, config.exportVariables)
    for (const { token } of tokens) info(describeSignIn(token))
    if (config.serve) await serveTokens(config.serve, { signIn, authorityHost, secrets }, tokens)

    const report: HealthReport = config.health
      ? await runPlannedChecks(config.health, tokens, Math.max(0, waitUntil - Date.now()), {
          info,
          redact: secrets,
          send: httpSender(early.agentFor)
        })
      : { health: 'skipped', checks: [] }
    publishHealth(report)
    const cliWarning = await azureCli
    if (cliWarning !== undefined) core.warning(neutralizeCommands(cliWarning))
    await writeSummary(renderSummary(tokens, report))
    reportUnhealthy(report, config.health?.failOnUnhealthy ?? true)
  } catch (error) {
    fail(error, secrets)
  } finally {
    early.close()
  }
}

/** The sign-in host's connection while GitHub answers, and the checks' while signing in: each host the step talks to. */
function openedEarly(early: EarlyConnections, config: Config): EarlySignIn {
  return {
    agentFor: early.agentFor,
    openSignInHost: signInHost => {
      early.open(signInHost, 1)
    },
    openAfterSignIn: () => {
      const checks = config.health ? plannedConnections(config.health, config.targets) : []
      for (const { origin, count } of checks) early.open(origin, count)
    }
  }
}

/**
 * One message naming the cause and the fix; a stack trace only in debug output. The messages quote outside text
 * already made safe; no workflow command survives here either way.
 */
function fail(error: unknown, secrets: readonly string[]): void {
  // Set here rather than through core.ExitCode or setFailed alone: a stand-in @actions/core (local-action's) has no
  // ExitCode, and its setFailed leaves the process's exit code at 0.
  process.exitCode = 1
  if (error instanceof ActionError) {
    core.error(neutralizeCommands(error.message), { title: neutralizeCommands(error.title) })
  } else if (error instanceof InputError) {
    core.setFailed(neutralizeCommands(error.message))
  } else {
    const message = error instanceof Error ? error.message : String(error)
    if (error instanceof Error && error.stack) core.debug(sanitizeServerText(error.stack, secrets, 4000))
    core.setFailed(`Unexpected error: ${sanitizeServerText(message, secrets)}`)
  }
}
