import * as core from '@actions/core'
import { ActionError, InputError } from './errors.js'
import { startGitHubAssertion } from './github-token.js'
import { type HealthReport, failedCheckAnnotations, runHealthChecks } from './health.js'
import { readConfig, secretInputValues } from './inputs.js'
import { describeSignIn, publishHealth, publishToken } from './outputs.js'
import { renderSummary, writeSummary } from './summary.js'
import { getAccessToken } from './token.js'

const getInput = (name: string): string => core.getInput(name)

export async function run(): Promise<void> {
  try {
    // Mask first: even a malformed input must never reach a log in clear.
    for (const secret of secretInputValues(getInput)) core.setSecret(secret)
    const config = readConfig(getInput)
    for (const warning of config.warnings) core.warning(warning)

    // For OIDC, GitHub is asked for its token now, while the identity libraries load.
    const signInDeps = { getIDToken: core.getIDToken, info: core.info }
    const assertion = startGitHubAssertion(config.signIn, signInDeps, process.env)
    // Loading the identity code holds the event loop for tens of milliseconds, and with it the connection to GitHub:
    // let the request go out first, then load while GitHub answers.
    await assertion?.sent
    // The identity libraries load only once the inputs are known to be good, so bad input fails fast.
    const { createCredential } = await import('./credentials.js')
    const credential = createCredential(config, { ...signInDeps, assertion })
    const token = await getAccessToken(credential, config)
    publishToken(token, config.exportVariable)
    core.info(describeSignIn(token))

    const report: HealthReport = config.health
      ? await runHealthChecks(config.health, config.target, token, { info: core.info, redact: config.secrets })
      : { health: 'skipped', checks: [] }
    publishHealth(report)
    await writeSummary(renderSummary(token, config.target, report))

    if (report.health === 'unhealthy') {
      const fail = config.health?.failOnUnhealthy ?? true
      for (const { title, message } of failedCheckAnnotations(report)) {
        if (fail) core.error(message, { title })
        else core.warning(message, { title })
      }
      if (fail) process.exitCode = core.ExitCode.Failure
    }
  } catch (error) {
    fail(error)
  }
}

/** One message naming the cause and the fix; a stack trace only in debug output. */
function fail(error: unknown): void {
  if (error instanceof ActionError) {
    core.error(error.message, { title: error.title })
    process.exitCode = core.ExitCode.Failure
  } else if (error instanceof InputError) {
    core.setFailed(error.message)
  } else {
    const message = error instanceof Error ? error.message : String(error)
    if (error instanceof Error && error.stack) core.debug(error.stack)
    core.setFailed(`Unexpected error: ${message}`)
  }
}
