// A failed health check as the runner shows it: one annotation per check, an error that fails the step, or a warning
// when fail-on-unhealthy is false.

import * as core from '@actions/core'
import type { HealthReport } from '../health/run.js'
import { neutralizeCommands } from '../lib/text.js'

/** For each failed check, the annotation raised: a short title and the full explanation. */
export function failedCheckAnnotations(report: HealthReport): { title: string; message: string }[] {
  return report.checks
    .filter(check => !check.ok)
    .map(check => ({
      title: neutralizeCommands(`Health check failed: ${check.path}`),
      message: neutralizeCommands(`GET ${check.url}: ${check.error ?? `answered ${String(check.status)}`}`)
    }))
}

/** Annotates each failed check; fails the step unless the user asked for warnings only. */
export function reportUnhealthy(report: HealthReport, failOnUnhealthy: boolean): void {
  if (report.health !== 'unhealthy') return
  for (const { title, message } of failedCheckAnnotations(report)) {
    if (failOnUnhealthy) core.error(message, { title })
    else core.warning(message, { title })
  }
  if (failOnUnhealthy) process.exitCode = core.ExitCode.Failure
}
