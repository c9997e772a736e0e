// The health checks as a person reads them in a terminal or a CI log: one aligned row per check, then what went wrong
// with each failed one. Colour only when asked (a terminal without NO_COLOR); every cell made safe for any CI's log.

import type { CheckResult, HealthReport } from '../health/run.js'
import { neutralizeCommands } from '../lib/text.js'
import { serviceOf } from '../target/services/registry.js'

const GREEN = '\u001b[32m'
const RED = '\u001b[31m'
const RESET = '\u001b[0m'

/** Whether to colour the text: a terminal, and no NO_COLOR (https://no-color.org: set to anything but empty). */
export function wantsColour(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  return isTTY === true && (env.NO_COLOR ?? '') === ''
}

export function renderChecks(report: HealthReport, colour: boolean): string {
  if (report.checks.length === 0) return 'No health checks were run.\n'
  const paint = (text: string, code: string): string => (colour ? `${code}${text}${RESET}` : text)
  const rows = report.checks.map(check => [
    check.service === undefined ? 'resource' : serviceOf(check.service).name,
    check.path,
    check.status === undefined ? 'no answer' : String(check.status),
    check.ok ? 'pass' : 'FAIL',
    `${String(check.durationMs)} ms`
  ])
  const header = ['SERVICE', 'CHECK', 'STATUS', 'RESULT', 'TIME']
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map(row => (row[column] ?? '').length)))
  const line = (cells: readonly string[], ok?: boolean): string =>
    cells
      .map((cell, column) => {
        const padded = cell.padEnd(widths[column] ?? 0)
        return column === 3 && ok !== undefined ? paint(padded, ok ? GREEN : RED) : padded
      })
      .join('  ')
      .trimEnd()
  const lines = [line(header), ...rows.map((row, index) => line(row, report.checks[index]?.ok))]
  const failed = report.checks.filter(check => !check.ok)
  for (const check of failed) lines.push('', ...failureLines(check))
  lines.push('', `Health: ${paint(report.health, report.health === 'healthy' ? GREEN : RED)}`)
  return `${lines.map(neutralizeCommands).join('\n')}\n`
}

function failureLines(check: CheckResult): string[] {
  return [`${check.path} (${check.url}):`, ...(check.error ?? 'failed').split(/\r?\n/).map(text => `  ${text}`)]
}
