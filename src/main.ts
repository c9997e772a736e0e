// The action's story: mask the secrets, read the inputs, sign in, hand the token over, check the service, report.

import * as core from '@actions/core'
import { readConfig } from './config.js'
import { ActionError, InputError } from './errors.js'
import { type HealthReport, runHealthChecks } from './health/run.js'
import { secretInputValues } from './inputs.js'
import { reportUnhealthy } from './report/annotations.js'
import { describeSignIn, publishHealth, publishToken } from './report/outputs.js'
import { renderSummary, writeSummary } from './report/summary.js'
import { markMainStep } from './serve/role.js'
import { serveTokens } from './serve/start.js'
import { getAccessToken } from './signin/get-token.js'
import { githubIdToken } from './signin/github-oidc-request.js'

const getInput = (name: string): string => core.getInput(name)

export async function run(): Promise<void> {
  try {
    // Mask first: even a malformed input must never reach a log in clear.
    for (const secret of secretInputValues(getInput)) core.setSecret(secret)
    markMainStep()
    // Bad input fails here, before any request and before the identity library loads.
    const config = readConfig(getInput)
    for (const warning of config.warnings) core.warning(warning)

    // One wait for access: what a just-created identity's sign-in spends of it, the health checks no longer have.
    const waitUntil = Date.now() + config.waitForAccessMs
    const token = await getAccessToken(
      { ...config, resource: config.target.resource, waitUntil },
      {
        getIDToken: githubIdToken(core.getIDToken, { env: process.env, setSecret: core.setSecret }),
        info: core.info,
        setSecret: core.setSecret
      }
    )
    publishToken(token, config.exportVariable)
    core.info(describeSignIn(token))
    if (config.serve) await serveTokens(config.serve, config, token)

    const report: HealthReport = config.health
      ? await runHealthChecks(
          { ...config.health, waitForAccessMs: Math.max(0, waitUntil - Date.now()) },
          config.target,
          token,
          { info: core.info, redact: config.secrets }
        )
      : { health: 'skipped', checks: [] }
    publishHealth(report)
    await writeSummary(renderSummary(token, config.target, report))
    reportUnhealthy(report, config.health?.failOnUnhealthy ?? true)
  } catch (error) {
    fail(error)
  }
}

/** One message naming the cause and the fix; a stack trace only in debug output. */
function fail(error: unknown): void {
  // Set here rather than through core.ExitCode or setFailed alone: a stand-in @actions/core (local-action's) has no
  // ExitCode, and its setFailed leaves the process's exit code at 0.
  process.exitCode = 1
  if (error instanceof ActionError) {
    core.error(error.message, { title: error.title })
  } else if (error instanceof InputError) {
    core.setFailed(error.message)
  } else {
    const message = error instanceof Error ? error.message : String(error)
    if (error instanceof Error && error.stack) core.debug(error.stack)
    core.setFailed(`Unexpected error: ${message}`)
  }
}
